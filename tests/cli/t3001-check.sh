#!/bin/sh
# wslbridge check: golden reports for every scenario (Linux side in a network
# namespace with a veth eth0), every probe and kind of expected value both
# ways, bad target files, parameters, --offline, --xml, recorded and added
# targets.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
CASES=$TOP/tests/cases
unset WSLBRIDGE_STATE_DIR

test_need_root

test_expect_success 'every shipped target validates' '
	for t in "$TOP"/templates/targets/*.xml; do
		"$WB" check --list >list || exit 1
		test_grep "^$(basename "$t" .xml) " list || exit 1
		! grep -q broken list || exit 1
	done
'

test_expect_success 'golden report and verdict for every scenario' '
	for s in "$TOP"/tests/winhost/scenarios/*.xml; do
		n=$(basename "$s" .xml)
		"$RUN" "$n" -- "$WB" check >"$n.out" 2>"$n.err"
		echo $? >"$n.rc"
		test_cmp "$CASES/check/$n.out" "$n.out" || { echo "in $n"; exit 1; }
		test_cmp "$CASES/check/$n.rc" "$n.rc" || { echo "in $n"; exit 1; }
	done
'

test_expect_success 'drift is exit 3, and a healthy machine exit 0' '
	test "$(cat vmware-broken.rc)" = 3 && test "$(cat fresh-pro.rc)" = 0
'

# A host with our own targets in <root>/etc/wslbridge/targets.
host_with_targets() {
	rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" fresh-pro -- true &&
	mkdir -p "$1/root/etc/wslbridge/targets" &&
	cp "$CASES"/targets/*.xml "$1/root/etc/wslbridge/targets/" &&
	chmod 755 "$1/root/usr/bin/wslinfo"
}

# statuses FILE: the status of each expectation in an --xml report.
statuses() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
for e in ET.parse(sys.argv[1]).getroot().iter(\"expect\"):
    print(e.get(\"status\"), e.get(\"summary\"), \"|\", e.get(\"observed\"), \"|\", e.get(\"expected\"))
" "$1"
}

test_expect_success 'every probe and kind of expected value passes when it holds' '
	host_with_targets h1 &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" check kinds-pass --xml >pass.xml &&
	statuses pass.xml >st &&
	test "$(grep -c "^pass " st)" = 27 &&
	test "$(grep -c "^skip " st)" = 1 && test_grep "^skip skipped" st
'

test_expect_success 'and fails when it does not, saying what was observed' '
	WINHOST_DIR=$PWD/h1 test_expect_code 3 "$RUN" fresh-pro -- "$WB" check kinds-fail --xml >fail.xml &&
	statuses fail.xml >st &&
	test "$(grep -c "^fail " st)" = 27 && ! grep -q "^pass " st &&
	test_grep "^fail hvfw: no rule lets the ports in | 8080 5353/udp | none" st &&
	test_grep "^fail kernel | 6.6.87.2-microsoft-standard-WSL2 |" st &&
	test_grep "^fail count is case-sensitive, like WSL | 0 |" st &&
	test_grep "^fail binding absent | absent | false" st &&
	test_grep "^fail carrier | no such interface |" st &&
	test_grep "^fail a pattern that does not compile .*does not compile at offset 1" st
'

# wslbridge trusts its own files at run time (a schema compile each is
# time and memory): make validates them, and stops on one that breaks it.
test_expect_success 'make validates the shipped targets and profiles, and stops on a bad one' '
	mkdir tree && cp -R "$TOP/templates" "$TOP/Makefile" tree/ &&
	make -s -C tree build/validated.stamp && test -e tree/build/validated.stamp &&
	sed "s/<expect /<expext /" tree/templates/targets/nat.xml >tree/templates/targets/broken.xml &&
	test_must_fail make -s -C tree build/validated.stamp >out 2>&1 &&
	test_grep "broken.xml fails to validate" out && test_grep "a shipped target or profile breaks its schema" out
'

test_expect_success 'a target file with a syntax error: file:line:col' '
	WINHOST_DIR=$PWD/h1 test_expect_code 1 "$RUN" fresh-pro -- "$WB" check bad-syntax 2>err &&
	test_grep "targets/bad-syntax.xml:5:10: Opening and ending tag mismatch: expect line 4 and side" err
'

test_expect_success 'a schema error names the element and its place' '
	WINHOST_DIR=$PWD/h1 test_expect_code 1 "$RUN" fresh-pro -- "$WB" check bad-schema 2>err &&
	test_grep "targets/bad-schema.xml:5:7: element <expect>" err
'

test_expect_success 'unknown and missing parameters are named' '
	WINHOST_DIR=$PWD/h1 test_expect_code 1 "$RUN" fresh-pro -- "$WB" check bad-unknown-param 2>err &&
	test_grep "bad-unknown-param.xml:5:5: unknown parameter {swich} in attribute .equals. of <expect>" err &&
	WINHOST_DIR=$PWD/h1 test_expect_code 2 "$RUN" fresh-pro -- "$WB" check needs-param 2>err &&
	test_grep "target .needs. needs the parameter .adapter. (the adapter): pass --param adapter=VALUE" err &&
	WINHOST_DIR=$PWD/h1 test_expect_code 2 "$RUN" fresh-pro -- "$WB" check nat --param nosuch=1 2>err &&
	test_grep "unknown parameter .nosuch. for target .nat. (it takes: none)" err &&
	WINHOST_DIR=$PWD/h1 test_expect_code 2 "$RUN" fresh-pro -- "$WB" check nosuchtarget 2>err &&
	test_grep "no target named .nosuchtarget." err &&
	WINHOST_DIR=$PWD/h1 test_expect_code 1 "$RUN" fresh-pro -- "$WB" check loop-a 2>err &&
	test_grep "nests too deep" err
'

test_expect_success 'parameters from the command line' '
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" check needs-param --param adapter=nat >out &&
	test_grep "1 of 1 expectations hold" out &&
	WINHOST_DIR=$PWD/h1 test_expect_code 3 "$RUN" fresh-pro -- "$WB" check bridged --switch "My LAN" >out &&
	test_grep "switch .My LAN. exists exactly once: observed 0" out
'

test_expect_success 'a user target overrides a shipped one' '
	cp "$CASES/targets/kinds-pass.xml" h1/root/etc/wslbridge/targets/nat.xml &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" check nat >out &&
	test_grep "^Target kinds-pass" out &&
	rm h1/root/etc/wslbridge/targets/nat.xml
'

test_expect_success 'without a target: what setup recorded' '
	mkdir -p h1/root/var/lib/wslbridge &&
	cat >h1/root/var/lib/wslbridge/target.xml <<-\EOF_ &&
	<?xml version="1.0"?>
	<recorded target="vpn"><param name="mode" value="nat"/><param name="mtu" value="1500"/></recorded>
	EOF_
	WINHOST_DIR=$PWD/h1 test_expect_code 3 "$RUN" fresh-pro -- "$WB" check >out 2>err &&
	test_grep "as the last setup recorded" err &&
	test_grep "^Target vpn" out &&
	test_grep "ok   eth0.s MTU is 1500" out &&
	test_grep "FAIL the boot script is installed" out &&
	rm h1/root/var/lib/wslbridge/target.xml
'

test_expect_success '--offline: no launch, the Windows side skipped' '
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" vmware-broken -- "$WB" check --offline bridged >out 2>err;
	test $? = 3 &&
	test ! -e h2/programs.log &&
	test_grep "skip switch .WSL Bridge. exists exactly once: skipped, needs Windows (offline)" out &&
	test_grep "FAIL eth0 has a carrier: observed false" out
'

test_expect_success '--xml is a machine report with the verdict' '
	"$RUN" vmware-broken -- "$WB" check --xml >r.xml 2>/dev/null;
	python3 -c "
import xml.etree.ElementTree as ET
r = ET.parse(\"r.xml\").getroot()
assert r.get(\"verdict\") == \"drift\" and r.get(\"target\") == \"bridged\"
fails = [e for e in r.iter(\"expect\") if e.get(\"status\") == \"fail\"]
assert any(e.get(\"fix\") == \"bindings\" for e in fails)
assert all(e.get(\"line\") for e in r.iter(\"expect\"))
"
'

# Every scenario's JSON against the schema; the XML beside it (one writer
# each over the same report) for a healthy, a broken, a blind and a
# Consomme machine, which between them hold every status and kind of value.
test_expect_success '--json: the report of every scenario follows check.schema.json and matches --xml' '
	for s in "$TOP"/tests/winhost/scenarios/*.xml; do
		n=$(basename "$s" .xml)
		rm -rf hj && WINHOST_DIR=$PWD/hj "$RUN" "$n" -- "$WB" check --json >"$n.json" 2>/dev/null
		echo $? >"$n.jrc" && test_cmp "$CASES/check/$n.rc" "$n.jrc" || { echo "in $n"; exit 1; }
		"$TOP/tests/tools/json-valid" "$TOP/templates/json/check.schema.json" "$n.json" || { echo "in $n"; exit 1; }
		case $n in fresh-pro|vmware-broken|standard-user-pro|consomme-novirtio) ;; *) continue ;; esac
		WINHOST_DIR=$PWD/hj "$RUN" "$n" -- "$WB" check --xml >"$n.xml" 2>/dev/null
		python3 - "$n.json" "$n.xml" <<-\PY || { echo "in $n"; exit 1; }
		import json, sys, xml.etree.ElementTree as ET
		j = json.load(open(sys.argv[1]))
		x = ET.parse(sys.argv[2]).getroot()
		assert j["verdict"] == x.get("verdict") and j["target"] == x.get("target"), (j["verdict"], x.attrib)
		xs = [(e.get("probe"), e.get("status"), e.get("observed")) for e in x.findall("expect")]
		js = [(e["probe"], e["status"], e["observed"]) for e in j["expectations"]]
		assert xs == js, (xs, js)
		PY
	done
'

test_done
