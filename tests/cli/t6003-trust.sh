#!/bin/sh
# Output people can trust: the status picture fits the terminal and never
# cuts an address, the picture and check share one verdict, and the plain
# words of setup, check, host-ip and undo say what is true.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-terminal.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
PROFILE=Users/alice/.wslconfig

# fits W: every line of the picture in ./pane is at most W columns, and the
# box lines are exactly as wide as each other
fits() {
	python3 - "$1" <<-\EOF_FITS
	import sys
	w = int(sys.argv[1])
	lines = open("pane", encoding="utf-8").read().split("\n")
	pic = [l.rstrip() for l in lines[:lines.index("Windows")] if l.strip()]
	box = {len(l) for l in pic if l[:1] in "|+\u2502\u250c\u2514"}
	assert all(len(l) <= w for l in pic), [l for l in pic if len(l) > w]
	assert len(box) == 1, box
	EOF_FITS
}

for w in 60 80 120; do
	test_expect_success "status picture at $w columns: fits, addresses whole" '
		rm -rf h && WINHOST_DIR=$TRASH/h "$RUN" fresh-pro -- true &&
		in_terminal "WINHOST_DIR=$TRASH/h $RUN fresh-pro -- $WB status" '$w' &&
		wait_for "EXIT=" && screen && fits '$w' &&
		grep -q "192\.168\.1\.23/24 *│" pane && grep -q "172\.20\.20\.5/20" pane &&
		! grep -q "192\.168\.1\.2│" pane
	'
done

test_expect_success 'status piped: COLUMNS sets the width; a German host address whole' '
	rm -rf h && COLUMNS=60 WINHOST_DIR=$PWD/h "$RUN" localized-de -- "$WB" status >pane &&
	fits 60 && grep -q "192\.168\.1\.23/24 *|" pane &&
	COLUMNS=120 WINHOST_DIR=$PWD/h "$RUN" localized-de -- "$WB" status >pane && fits 100
'

test_expect_success 'picture and check: one verdict (duplicate switches: check fails, so does status)' '
	rm -rf h && WINHOST_DIR=$PWD/h test_expect_code 3 "$RUN" duplicate-switches -- "$WB" check >check &&
	WINHOST_DIR=$PWD/h test_expect_code 3 "$RUN" duplicate-switches -- "$WB" status >out 2>err &&
	n=$(grep -c "^  FAIL" check) && test "$n" -gt 0 &&
	test_grep "^$n things are broken (target bridged)" out &&
	test "$(grep -c "^wslbridge: warning: broken: " err)" = "$n"
'

test_expect_success 'picture: the link and the VM box name the same mode, offline after undo' '
	rm -rf h && WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" setup --yes >/dev/null;
	WINHOST_DIR=$PWD/h "$RUN" --restart fresh-pro -- true &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" undo --yes >/dev/null;
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" status --offline >out 2>&1;
	link=$(sed -n "s/^ *| \([a-zA-Z]*\):.*/\1/p" out | tr A-Z a-z) &&
	box=$(sed -n "s/.*WSL VM: networking mode \([a-z]*\).*/\1/p" out) &&
	test -n "$box" && test "$link" = "$box"
'

test_done_terminal() { terminals_done; test_done; }
test_done_terminal
