#!/bin/sh
# Golden edits: tests/cases/edit/NAME/{in,args,out}.  args: the kind
# (wslconfig|wslconf) on line 1, then one argument per line for `config`;
# "in" absent means the file does not exist yet.  After the edit the file
# must equal "out" byte for byte, and running it again must change nothing.
# GOLDEN_UPDATE=1 writes "out" instead (then review it by eye).
. "$(dirname "$0")/../lib.sh"

run_case() {
	dir=$1 work=$TRASH/$(basename "$1")
	mkdir -p "$work"
	kind=$(head -n 1 "$dir/args")
	if [ "$kind" = wslconfig ]; then f=$work/.wslconfig; else f=$work/wsl.conf; fi
	[ -f "$dir/in" ] && cp "$dir/in" "$f"
	set --
	while IFS= read -r a; do set -- "$@" "$a"; done <<-ARGS
	$(tail -n +2 "$dir/args")
	ARGS
	"$WB" -q config "$@" --file "$f" || return 1
	if [ -n "${GOLDEN_UPDATE:-}" ]; then cp "$f" "$dir/out"; return 0; fi
	test_cmp "$dir/out" "$f" || return 1
	cp "$f" "$f.first"
	"$WB" config "$@" --file "$f" 2>err || return 1
	test_grep "nothing to change" err && test_cmp "$f.first" "$f"
}

for dir in "$TOP"/tests/cases/edit/*/; do
	dir=${dir%/}
	test_expect_success "edit $(basename "$dir")" "run_case '$dir'"
done

test_done
