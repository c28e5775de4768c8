#!/bin/sh
# The floor plan (README "Layout"): the folders of the C code are layers,
# and a file includes only its own layer and the ones below it.  Every
# include names its folder, so the layer of a dependency is visible where it
# is used.  Bottom up:
#   0 setup/base      knows nothing of WSL
#   1 setup/conf      config files exactly as WSL reads them
#   2 setup/host      Windows, reached only through the host agent
#   3 vswitch         Hyper-V plans over what the agent reported
#   4 setup/observe   one observation of everything
#   5 setup/forward   the NAT port forwards (model and plans)
#   6 setup/targets   target states, probes, the comparison, the record
#   7 setup/apply     the one transaction, the history, the boot hook, runs.log
#   8 setup/engine    setup and repair: compare, plan, apply, verify
#   9 setup/verbs, vpn-fixups   the verbs
#  10 setup/main.c    the verbs table
. "$(dirname "$0")/../lib.sh"

check_layers() {
	python3 - "$1" <<-\PY
	import os, re, sys
	top = sys.argv[1]
	rank = {"setup/base": 0, "setup/conf": 1, "setup/host": 2, "vswitch": 3, "setup/observe": 4,
	        "setup/forward": 5, "setup/targets": 6, "setup/apply": 7, "setup/engine": 8,
	        "setup/verbs": 9, "vpn-fixups": 9, "setup": 10}
	def layer(path):
	    d = os.path.dirname(path)
	    return d if d in rank else None
	bad = n = 0
	for d in rank:
	    for f in sorted(os.listdir(os.path.join(top, d))):
	        if not f.endswith((".c", ".h")):
	            continue
	        src = os.path.join(d, f)
	        for ln, line in enumerate(open(os.path.join(top, src), encoding="utf-8"), 1):
	            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
	            if not m:
	                continue
	            n += 1
	            inc = m.group(1)
	            target = inc if inc.split("/")[0] in ("vswitch", "vpn-fixups") else "setup/" + inc
	            if "/" not in inc or not os.path.exists(os.path.join(top, target)):
	                print("%s:%d: #include \"%s\" does not name its folder" % (src, ln, inc)); bad += 1
	            elif layer(target) is None:
	                print("%s:%d: #include \"%s\" is in no layer" % (src, ln, inc)); bad += 1
	            elif rank[layer(target)] > rank[d]:
	                print("%s:%d: %s (layer %d) includes %s from the higher layer %s (%d)" %
	                      (src, ln, d, rank[d], inc, layer(target), rank[layer(target)])); bad += 1
	for d in rank:
	    if not any(f.endswith(".c") for f in os.listdir(os.path.join(top, d))):
	        print("%s: an empty layer" % d); bad += 1
	print("%d includes checked, %d out of place" % (n, bad))
	sys.exit(1 if bad else 0)
	PY
}

test_expect_success 'no file includes from a higher layer, and every include names its folder' '
	check_layers "$TOP" >out || { cat out; exit 1; } &&
	test_grep "0 out of place" out
'

test_expect_success 'the check notices an include from a higher layer and one without its folder' '
	mkdir -p tree && cp -r "$TOP/setup" "$TOP/vswitch" "$TOP/vpn-fixups" tree/ &&
	echo "#include \"verbs/verbs.h\"" >>tree/setup/base/util.c &&
	echo "#include \"util.h\"" >>tree/vswitch/adapter.c &&
	test_must_fail check_layers "$PWD/tree" >out &&
	test_grep "setup/base (layer 0) includes verbs/verbs.h from the higher layer setup/verbs" out &&
	test_grep "vswitch/adapter.c:[0-9]*: #include \"util.h\" does not name its folder" out
'

# long_functions FILE: "FILE: DEFINITION: N lines" for each function over 80
# lines (a definition starts in column 0 and ends at the first "}" there).
long_functions() {
	awk -v f="$1" '/^[a-z][a-z_ *]*[ *][a-z_0-9]+\(/ && !/;$/ { name = $0; start = FNR }
		/^}/ { if (start && FNR - start > 80) print f ": " name ": " FNR - start " lines"; start = 0 }' "$2"
}

test_expect_success 'no C file is over 600 lines and no function over 80' '
	for f in "$TOP"/setup/*/*.c "$TOP"/setup/*.c "$TOP"/vswitch/*.c "$TOP"/vpn-fixups/*.c; do
		n=$(wc -l <"$f")
		if [ "$n" -gt 600 ]; then echo "${f#$TOP/}: $n lines"; fi
		long_functions "${f#$TOP/}" "$f"
	done >long &&
	test_cmp /dev/null long
'

test_expect_success 'the size check notices a long function' '
	{ echo "static int long_one(void)"; echo "{"; i=0; while [ $i -lt 85 ]; do echo "	x();"; i=$((i + 1)); done; echo "}"; } >long.c &&
	long_functions long.c long.c >found &&
	test_grep "long_one(void): 87 lines" found
'

# changers TREE: every call that changes Windows or a history entry outside
# apply/transaction.c and its undo half apply/revert.c (the one way to
# change things, README "Layout").
changers() {
	grep -nE '\b(host_apply|backup_begin|backup_add|backup_commit|backup_discard|backup_set_state|backup_add_windows_undo)\(' \
		"$1"/setup/*/*.c "$1"/setup/*.c "$1"/vswitch/*.c "$1"/vpn-fixups/*.c |
	grep -v -e "^$1/setup/apply/transaction.c:" -e "^$1/setup/apply/revert.c:" -e "^$1/setup/apply/backup.c:" \
		-e "^$1/setup/host/host.c:[0-9]*:int host_apply("
}

test_expect_success 'only the transaction applies Windows actions and writes history' '
	changers "$TOP" >found || :
	test_cmp /dev/null found
'

test_expect_success 'the transaction check notices another caller' '
	mkdir -p tree2 && cp -r "$TOP/setup" "$TOP/vswitch" "$TOP/vpn-fixups" tree2/ &&
	echo "static void f(void) { host_apply(0, 0, 0, 0, 0); }" >>tree2/setup/verbs/verb-undo.c &&
	changers "$PWD/tree2" >found &&
	test_grep "verb-undo.c:[0-9]*:static void f" found
'

# io_in_compare FILE: the calls that read the machine, in the comparison
# (its facts come from observe/ and targets/gather.c).
io_in_compare() {
	grep -nE '\b(read_file|stat|lstat|fstat|open|openat|fopen|opendir|readlink|access|uname|getifaddrs|socket|linux_observe|forwards_load|forward_[a-z_]+|host_[a-z]+_open|spawn_[a-z_]+)\(' "$1" |
	grep -v '^[0-9]*:\s*/\?\*'
}

test_expect_success 'comparing reads nothing: every probe answers from the observation' '
	io_in_compare "$TOP/setup/targets/compare.c" >found || :
	test_cmp /dev/null found &&
	! grep -n "#include \"\(forward\|engine\|verbs\|apply\)/" "$TOP/setup/targets/compare.c"
'

test_expect_success 'the I/O check notices a probe that reads a file' '
	sed "s/^static char \*probe_kernel(.*/&\n{ struct stat st; stat(\"x\", \&st); }/" "$TOP/setup/targets/compare.c" >compare.c &&
	io_in_compare compare.c >found &&
	test_grep "stat(" found
'

test_done
