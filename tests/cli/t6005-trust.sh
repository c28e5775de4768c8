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
		in_terminal "WINHOST_DIR=$TRASH/h $RUN fresh-pro -- $WB status --no-pager" '$w' &&
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

test_expect_success 'setup --mode nat on a machine WSL runs in NAT: no restart, the && goes on' '
	rm -rf h && WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- \
		sh -c "$WB setup --mode nat --yes && echo SECOND HALF RAN" >out 2>&1 &&
	test_grep "^SECOND HALF RAN" out && test_grep "6. restart WSL: not needed" out &&
	test_grep "^networkingMode=nat" h/root/mnt/c/$PROFILE &&
	test_grep "NAT mode uses Windows. own networking" out && ! grep -q " nat mode" out &&
	test_grep "Windows build 22631.4460 Pro," out &&
	rm -rf h && WINHOST_DIR=$PWD/h test_expect_code 4 "$RUN" fresh-pro -- "$WB" --state-dir "$PWD/st2" setup --mode mirrored --yes >out &&
	test_grep "restart WSL: needed: mirrored mode" out
'

test_expect_success 'the run after the restart says it verifies, not that it recovers' '
	rm -rf h st && WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st test_expect_code 4 "$RUN" fresh-pro -- "$WB" setup --yes >/dev/null &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st test_expect_code 4 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>&1 &&
	test_grep "the last setup (.*) is waiting for WSL to restart" out &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" --restart fresh-pro -- "$WB" setup --yes >out 2>&1 &&
	test_grep "verifying after the restart the last setup (.*) asked for" out &&
	! grep -q "continues from what it finds" out
'

test_expect_success 'check --offline reads .wslconfig where an earlier run learnt it is' '
	rm -rf h st && mkdir -p h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true &&
	printf "[wsl2]\nnetworkingMode=mirrored\n" >h/root/mnt/c/$PROFILE &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" check --offline nat >out 2>&1 &&
	test_grep "skipped, the place of .wslconfig is not known offline until" out &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" config get wsl2.networkingMode >/dev/null &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st test_expect_code 3 "$RUN" fresh-pro -- "$WB" check --offline nat >out 2>&1 &&
	test_grep "FAIL .wslconfig: networkingMode is NAT (or unset): observed mirrored" out &&
	! grep -q "^from=wsl" h/launches.log 2>/dev/null &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" status --offline >out 2>&1
	test_grep "wsl2.networkingMode = mirrored" out
'

test_expect_success '[interop] enabled=false is warned about by status, check and setup' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true &&
	printf "[interop]\nenabled=false\n" >>h/root/etc/wsl.conf &&
	for v in "status" "check" "setup --dry-run --mode nat"; do
		WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" $v >out 2>err;
		test_grep "^wslbridge: warning: /etc/wsl.conf turns interop off at the next start" err || exit 1
	done
'

test_expect_success 'the setup plan names the other problems in .wslconfig' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true &&
	printf "[wsl2]\nmemroy=4GB\nswap=lots\n" >h/root/mnt/c/$PROFILE &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --dry-run --mode nat >out 2>&1 &&
	n=$(WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" config lint 2>&1 | grep -c ":[0-9]*:") && test "$n" -gt 0 &&
	test_grep "($n other problems in .wslconfig, left as they are: .wslbridge config lint.)" out
'

test_expect_success 'host-ip: a link-local address is refused; outside WSL it refuses as every verb' '
	rm -rf h st && WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" setup --yes >/dev/null;
	WINHOST_DIR=$PWD/h "$RUN" --restart fresh-pro -- "$WB" host-ip >ip && test_grep "^192\.168\.1\.23\$" ip &&
	python3 - h/state.xml <<-\EOF_LL &&
	import sys, xml.etree.ElementTree as ET
	t = ET.parse(sys.argv[1])
	for a in t.getroot().iter("adapter"):
	    if a.get("name") == "vEthernet (WSL Bridge)":
	        for i in a.findall("ipv4"):
	            i.set("address", "169.254.7.9"); i.set("prefix", "16")
	t.write(sys.argv[1], encoding="utf-8", xml_declaration=True)
	EOF_LL
	WINHOST_DIR=$PWD/h test_expect_code 1 "$RUN" fresh-pro -- "$WB" host-ip >ip 2>err &&
	test ! -s ip && test_grep "only the link-local address 169.254.7.9" err &&
	mkdir -p notwsl/proc && echo "Linux version 6.1.0-18-amd64 (debian)" >notwsl/proc/version &&
	WSLBRIDGE_ROOT=$PWD/notwsl test_expect_code 1 "$WB" host-ip >ip 2>err &&
	test ! -s ip && test_grep "this is not WSL" err
'

test_expect_success 'README: the check after a default vpn apply passes; its dns pattern is for --dns static' '
	grep -q "^Check it with .wslbridge check vpn --param mtu=1300.\. The .dns. parameter" "$TOP/README.md" &&
	rm -rf h st && WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" vpn-anyconnect -- sh -c \
		"$WB vpn apply --yes >/dev/null 2>&1 && $WB check vpn --param mtu=1300" >out 2>&1 ||
		{ cat out; exit 1; }
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st test_expect_code 3 "$RUN" vpn-anyconnect -- \
		"$WB" check vpn --param mtu=1300 --param "dns=10\.10\.0\.10.*" >out 2>&1
'

test_expect_success 'forward list outside NAT does not suggest forward add' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" vmware-broken -- "$WB" --state-dir "$PWD/fst" forward list >out &&
	test_grep "WSL runs in bridged mode, which needs none" out && ! grep -q "forward add" out &&
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" --state-dir "$PWD/fst" forward list >out &&
	test_grep "Add one with .sudo wslbridge forward add PORT." out
'

test_expect_success 'wording: undo --list says what undo will do; a skipped check names its parameter' '
	rm -rf h st && WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" setup --yes >/dev/null;
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" fresh-pro -- "$WB" undo --list >out &&
	test_grep "Windows: undo will remove the switch .WSL Bridge. this change created" out &&
	! grep -q "undo by" out &&
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" check mirrored >out 2>&1;
	test_grep "experimental.hostAddressLoopback (no --param loopback=...): skipped" out &&
	! grep -q "hostAddressLoopback=:" out &&
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" wifi-only -- "$WB" setup --dry-run >out 2>&1;
	test_grep "is a wireless adapter" out && ! grep -q "Wi-Fi is Wi-Fi" out &&
	"$WB" help undo >out && test_grep "what it did on Windows" out &&
	"$WB" help vpn >out && test_grep "auto|tunnel|static|SERVER" out &&
	"$WB" help setup >out && test_grep "^  -n, --dry-run" out
'

terminals_done
test_done
