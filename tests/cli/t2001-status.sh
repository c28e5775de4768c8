#!/bin/sh
# wslbridge status against the simulated Windows host: one launch, every
# scenario, the environment checks, and the agent contract.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
unset WSLBRIDGE_STATE_DIR	# the state lives under the simulated root

launches() { grep -c '^from=wsl' "$1/launches.log" 2>/dev/null || echo 0; }

test_expect_success 'status in every scenario: one powershell.exe launch, nothing flagged' '
	for s in "$TOP"/tests/winhost/scenarios/*.xml; do
		n=$(basename "$s" .xml) && rm -rf "h-$n" &&
		WINHOST_DIR=$PWD/h-$n "$RUN" "$n" -- "$WB" status >"out-$n" 2>"err-$n"
		rc=$?
		test "$(launches "h-$n")" = 1 || { echo "$n: $(launches "h-$n") launches"; exit 1; }
		# exit 3 exactly when check fails (one verdict), each failure named on stderr
		WINHOST_DIR=$PWD/h-$n "$RUN" "$n" -- "$WB" check >"check-$n" 2>&1
		crc=$?
		if grep -q "broken (target [a-z]*): .wslbridge check. says what" "out-$n"; then
			test $rc = 3 && test $crc = 3 && test "$(grep -c "^wslbridge: warning: broken: " "err-$n")" = \
				"$(sed -n "s/^\([0-9]*\) things* \(is\|are\) broken (target.*/\1/p" "out-$n")" &&
			test "$(grep -c "^  FAIL \|^  ??? " "check-$n")" = "$(grep -c "^wslbridge: warning: broken: " "err-$n")"
		else
			test $rc = 0 && test $crc = 0 && test ! -s "err-$n"
		fi || { echo "status in $n: exit $rc:"; cat "out-$n" "err-$n"; exit 1; }
		test ! -s "h-$n/flags.log" || { cat "h-$n/flags.log"; exit 1; }
		test_grep "^This distribution" "out-$n" || exit 1
	done
'

# most DIR KIND: the most lines of KIND in one launch of DIR/calls.log (the
# agent's cost as the fakes count it: import, cmdlet, cim, native).
most() { awk -v k="$2" '$2 == k { n[$1]++ } END { m = 0; for (l in n) if (n[l] > m) m = n[l]; print m }' "$1/calls.log"; }

# Budgets (DESIGN "Budget", issue 23), from the observes of the test above.
# imports N DIR: the modules the Nth launch of DIR/calls.log imported, one a line.
imports() { awk -v n="$1" '$2 == "launch" { k++ } k == n && $2 == "import" { print $3 }' "$2/calls.log"; }

test_expect_success 'an observe makes at most 30 cmdlet or CIM calls, 3 imports, 1 native program' '
	for s in "$TOP"/tests/winhost/scenarios/*.xml; do
		n=$(basename "$s" .xml) &&
		c=$(most "h-$n" cmdlet) && q=$(most "h-$n" cim) && p=$(most "h-$n" native) &&
		i=$(most "h-$n" import) &&
		# counted at all: every observe reads the adapters and imports something
		grep -q " cim MSFT_NetAdapter$" "h-$n/calls.log" && test "$i" -ge 1 &&
		test "$c" -le 30 && test "$p" -le 1 && test "$i" -le 3 ||
		{ echo "$n: $c cmdlet calls ($q CIM queries), $p native programs, $i imports:"; cat "h-$n/calls.log"; exit 1; }
	done
'

# The first status knows nothing yet (no record, no .wslconfig place) and asks
# for the switches (bridged, setup's default); check after it asks only for
# what its target reads.
test_expect_success 'at most 3 imports an observe once the mode is known; Hyper-V only for bridged' '
	for s in "$TOP"/tests/winhost/scenarios/*.xml; do
		n=$(basename "$s" .xml) &&
		test "$(imports 1 "h-$n" | wc -l)" -le 3 && imports 2 "h-$n" >imp &&
		test "$(wc -l <imp)" -le 3 &&
		if grep -q "^target: bridged" "check-$n"; then grep -qx Hyper-V imp; else ! grep -qx Hyper-V imp; fi &&
		if grep -q "^target: mirrored" "check-$n"; then grep -qx NetSecurity imp; else ! grep -qx NetSecurity imp; fi ||
		{ echo "$n: the first launch imported $(imports 1 "h-$n" | tr "\n" " "), check $(tr "\n" " " <imp):"; cat "check-$n"; exit 1; }
	done
'

TOOL=$TOP/build/release/tests/tools/host-tool

test_expect_success 'facts not asked for come back unknown (never empty) and cost no import' '
	rm -rf hf && WINHOST_DIR=$PWD/hf "$RUN" vmware-broken -- "$TOOL" observe none >out &&
	test_grep "^unreadable switches unasked" out && test_grep "^unreadable hyperv-firewall unasked" out &&
	test_grep "^switch WSL Bridge type=-1 uplinks=0 inferred" out &&
	! grep -q " import Hyper-V$" hf/calls.log && ! grep -q " import NetSecurity$" hf/calls.log &&
	WINHOST_DIR=$PWD/hf "$RUN" vmware-broken -- "$TOOL" observe switches >out &&
	! grep -q "^unreadable switches" out && ! grep -q inferred out &&
	test_grep "^unreadable hyperv-firewall unasked" out && test "$(grep -c " import Hyper-V$" hf/calls.log)" = 1
'

# The guess comes from the .wslconfig an earlier run found; when Windows
# then names another profile, whose .wslconfig asks for bridged, the facts
# the bridged target reads are asked for in a second launch.
test_expect_success 'a guess that falls short: Windows is asked again, nothing is judged unread' '
	rm -rf hg && WINHOST_DIR=$PWD/hg "$RUN" fresh-pro -- "$WB" status >/dev/null &&
	u=hg/root/mnt/c/Users && cp -R "$u/alice" "$u/bob" &&
	printf "[wsl2]\nnetworkingMode=bridged\nvmSwitch=WSL Bridge\n" >"$u/bob/.wslconfig" &&
	sed -i "s/Users\\\\alice/Users\\\\bob/g" hg/state.xml && grep -q "Users.bob" hg/state.xml &&
	WINHOST_DIR=$PWD/hg test_expect_code 3 "$RUN" fresh-pro -- "$WB" check >out 2>&1 &&
	test "$(launches hg)" = 3 && test_grep "^target: bridged" out && ! grep -q "not read" out &&
	test_grep "FAIL.*switch" out
'

# Where Hyper-V is there too, mirrored reads the Hyper-V firewall and never
# imports Hyper-V: its switches are none of mirrored's business.
test_expect_success 'mirrored on a PC with Hyper-V: NetSecurity imported, Hyper-V not' '
	rm -rf hm && WINHOST_DIR=$PWD/hm "$RUN" fresh-pro -- true &&
	printf "[wsl2]\nnetworkingMode=mirrored\n" >hm/root/mnt/c/Users/alice/.wslconfig &&
	WINHOST_DIR=$PWD/hm test_expect_code 3 "$RUN" fresh-pro -- "$WB" check >out 2>&1 &&
	WINHOST_DIR=$PWD/hm test_expect_code 3 "$RUN" fresh-pro -- "$WB" check >out 2>&1 &&
	test_grep "^target: mirrored" out && test "$(launches hm)" = 3 &&
	test "$(most hm import)" -le 3 &&
	n=$(awk '"'"'$2 == "launch" { k++ } END { print k }'"'"' hm/calls.log) && imports "$n" hm >imp &&
	grep -qx NetSecurity imp && ! grep -qx Hyper-V imp
'

test_expect_success 'the picture labels the link by the mode WSL runs, not by what .wslconfig asks' '
	test_grep "NAT: the VM is behind Windows" out-fresh-pro &&
	test_grep "none: the VM has no network" out-switch-missing &&
	test_grep "bridged: the VM is on the LAN" out-vmware-broken &&
	rm -rf ha && WINHOST_DIR=$PWD/ha "$RUN" fresh-pro -- true &&
	printf "[wsl2]\nnetworkingMode=bridged\nvmSwitch=WSL Bridge\n" >ha/root/mnt/c/Users/alice/.wslconfig &&
	WINHOST_DIR=$PWD/ha test_expect_code 3 "$RUN" fresh-pro -- "$WB" status >out 2>&1 &&
	test_grep "NAT: the VM is behind Windows" out && ! grep -q "bridged: the VM" out &&
	test_grep "WSL applied another mode" out
'

test_expect_success 'an unreadable wsl.conf is said so, not shown as missing' '
	rm -rf hu && WINHOST_DIR=$PWD/hu "$RUN" fresh-pro -- true &&
	rm -f hu/root/etc/wsl.conf && mkdir hu/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/hu "$RUN" fresh-pro -- "$WB" status --offline >out 2>&1 &&
	test_grep "could not be read: Is a directory" out && ! grep -q "not present" out
'

test_expect_success 'status shows what matters in each scenario' '
	test_grep "Windows 11 Pro 23H2 (build 22631.4460)" out-fresh-pro &&
	test_grep "no Hyper-V PowerShell module" out-home-edition &&
	test_grep "bindings: vms_pp off vmware_bridge on" out-vmware-broken &&
	test_grep "WSL Bridge .*Internal (created by wslbridge)" out-vmware-broken &&
	test_grep "wsl2.vmSwitch = LAN Bridge" out-switch-missing &&
	test_grep "Cisco AnyConnect Secure Mobility" out-vpn-anyconnect &&
	test_grep "MTU 1300" out-vpn-anyconnect &&
	test_grep "DNS 10.10.0.10 10.10.0.11, suffix corp.example.com" out-vpn-anyconnect &&
	test_grep "PANGP Virtual Ethernet Adapter Secure" out-vpn-globalprotect &&
	test_grep "Windows Server Standard" out-server-2022 &&
	test_grep "computer policy sets the networking mode (Nat)" out-policy-override &&
	test_grep "WSL 2.5.4.0" out-old-wsl &&
	test_grep "(not an administrator)" out-uac-none &&
	test_grep "Windows 10 Pro" out-win10-pro &&
	test_grep "WSL Bridge .*External on Ethernet, shared with Windows" out-duplicate-switches &&
	test "$(grep -c "^  WSL Bridge" out-duplicate-switches)" = 2 &&
	test_grep "C:.Users.Jos.* Mar.*a" out-localized-de
'

test_expect_success 'cmd.exe is asked for %TEMP% once; the staging folder is removed' '
	WINHOST_DIR=$PWD/h-fresh-pro "$RUN" fresh-pro -- "$WB" status >/dev/null &&
	test "$(launches h-fresh-pro)" = 3 &&
	test "$(grep -c "^cmd.exe" h-fresh-pro/programs.log)" = 1 &&
	test -z "$(ls -A h-fresh-pro/root/mnt/c/Users/alice/AppData/Local/Temp)"
'

test_expect_success 'status --xml is one well-formed document' '
	"$RUN" vpn-anyconnect -- "$WB" status --xml >out.xml &&
	python3 -c "
import sys, xml.etree.ElementTree as ET
r = ET.parse(\"out.xml\").getroot()
assert r.tag == \"status\", r.tag
assert r.find(\"host/windows\").get(\"build\") == \"22631\"
assert r.find(\"wsl\").get(\"mode\") == \"nat\"
assert r.find(\"linux/interface\").get(\"name\") == \"eth0\"
assert any(a.get(\"mtu\") == \"1300\" for a in r.iter(\"adapter\"))
"
'

test_expect_success 'status --offline starts no Windows program' '
	rm -rf h-off && WINHOST_DIR=$PWD/h-off "$RUN" fresh-pro -- "$WB" status --offline >out &&
	test ! -e h-off/programs.log &&
	test_grep "not observed (--offline)" out &&
	test_grep "networking mode in use: nat" out
'

test_expect_success 'outside WSL: a clear error naming what was checked' '
	mkdir -p notwsl/proc && echo "Linux version 6.1.0-18-amd64 (debian)" >notwsl/proc/version &&
	WSLBRIDGE_ROOT=$PWD/notwsl test_expect_code 1 "$WB" status 2>err &&
	test_grep "this is not WSL" err &&
	test_grep "/proc/version" err &&
	test_grep "WSLInterop does not exist" err
'

# A host we can break: copy it, then change a file in its root.
broken() {
	rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" fresh-pro -- true
}

test_expect_success 'WSL1 is told apart from WSL2' '
	broken h-wsl1 &&
	echo "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com)" >h-wsl1/root/proc/version &&
	WINHOST_DIR=$PWD/h-wsl1 test_expect_code 1 "$RUN" fresh-pro -- "$WB" status 2>err &&
	test_grep "runs under WSL1" err && test_grep "set-version" err
'

test_expect_success 'interop off: the binfmt entry missing or disabled, or wsl.conf' '
	broken h-int &&
	rm h-int/root/proc/sys/fs/binfmt_misc/WSLInterop &&
	WINHOST_DIR=$PWD/h-int test_expect_code 1 "$RUN" fresh-pro -- "$WB" status 2>err &&
	test_grep "WSLInterop binfmt entry is missing" err &&
	printf "[interop]\nenabled=false\n" >h-int/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/h-int test_expect_code 1 "$RUN" fresh-pro -- "$WB" status 2>err &&
	test_grep "interop is turned off in /etc/wsl.conf" err &&
	echo disabled >h-int/root/proc/sys/fs/binfmt_misc/WSLInterop && rm h-int/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/h-int test_expect_code 1 "$RUN" fresh-pro -- "$WB" status 2>err &&
	test_grep "binfmt entry is disabled" err &&
	test ! -e h-int/launches.log
'

test_expect_success 'powershell.exe missing, and WSLBRIDGE_POWERSHELL' '
	broken h-ps &&
	ps=h-ps/root/mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe &&
	mv "$ps" h-ps/elsewhere.exe &&
	WINHOST_DIR=$PWD/h-ps test_expect_code 1 "$RUN" fresh-pro -- "$WB" status 2>err &&
	test_grep "powershell.exe not found" err &&
	test_grep "WSLBRIDGE_POWERSHELL" err &&
	cp h-ps/elsewhere.exe h-ps/root/mnt/c/Windows/System32/ps.exe &&
	WSLBRIDGE_POWERSHELL=$PWD/h-ps/root/mnt/c/Windows/System32/ps.exe \
		WINHOST_DIR=$PWD/h-ps "$RUN" fresh-pro -- "$WB" status >/dev/null
'

test_expect_success 'a slow powershell.exe times out with a clear message' '
	WSLBRIDGE_PS_TIMEOUT=1 test_expect_code 1 "$RUN" --latency 3000 fresh-pro -- "$WB" status 2>err &&
	test_grep "did not answer within 1 s" err
'

test_expect_success 'a drive mount root set in wsl.conf is honoured' '
	sed -e "s|automount-root=\"/mnt/\"|automount-root=\"/win/\"|" \
	    -e "s|<linux mode=\"nat\" *>|<linux mode=\"nat\"><wslconf>[automount]\nroot = /win/</wslconf>|" \
	    "$TOP/tests/winhost/scenarios/fresh-pro.xml" >win-root.xml &&
	rm -rf h-win && WINHOST_DIR=$PWD/h-win "$RUN" "$PWD/win-root.xml" -- "$WB" status >out &&
	test -d h-win/root/win/c && test_grep "root/win/c/Users/alice/.wslconfig" out
'

test_expect_success 'config finds the Windows user'"'"'s .wslconfig with no powershell.exe launch' '
	rm -rf h-cfg && WINHOST_DIR=$PWD/h-cfg "$RUN" localized-de -- "$WB" config set wsl2.memory 4GB &&
	f="h-cfg/root/mnt/c/Users/Jos$(printf "\303\251") Mar$(printf "\303\255")a/.wslconfig" &&
	test_grep "^memory=4GB" "$f" &&
	WINHOST_DIR=$PWD/h-cfg "$RUN" localized-de -- "$WB" config get wsl2.memory >out &&
	echo 4GB >want && test_cmp want out &&
	test ! -e h-cfg/launches.log &&
	test "$(grep -c "^cmd.exe" h-cfg/programs.log)" = 1
'

test_expect_success 'the simulator refuses a script that is not the shipped agent' '
	broken h-inj &&
	ps=$PWD/h-inj/root/mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe &&
	t=h-inj/root/mnt/c/Users/alice/AppData/Local/Temp &&
	echo "Write-Output pwned" >"$t/evil.ps1" &&
	(cd "$t" && test_expect_code 1 "$ps" -NoProfile -NonInteractive -ExecutionPolicy Bypass \
		-File "C:\\Users\\alice\\AppData\\Local\\Temp\\evil.ps1" -Request "C:\\r.xml" -Response "C:\\s.xml" \
		-AgentSha256 x -RequestSha256 y </dev/null 2>/dev/null) &&
	test_grep "INJECTION" h-inj/flags.log &&
	(cd "$t" && test_expect_code 1 "$ps" -NoProfile -Command "Get-VMSwitch" </dev/null 2>/dev/null) &&
	test_grep "unexpected command line" h-inj/flags.log
'

test_expect_success 'status reads the .wslconfig WSLBRIDGE_WSLCONFIG names, as every verb does' '
	printf "[wsl2]\nnetworkingMode=mirrored\n" >custom.wslconfig &&
	WSLBRIDGE_WSLCONFIG=$PWD/custom.wslconfig test_expect_code 3 "$RUN" fresh-pro -- "$WB" status >out 2>err &&
	test_grep "^wslbridge: warning: broken: WSL applied mirrored mode (wslinfo): observed nat, expected mirrored" err &&
	test_grep "^  $PWD/custom.wslconfig\$" out &&
	test_grep "wsl2.networkingMode = mirrored" out
'

test_expect_success '--json in every scenario: status.schema.json, its verdict as the exit code, problems as stderr' '
	for s in "$TOP"/tests/winhost/scenarios/*.xml; do
		n=$(basename "$s" .xml) && rm -rf hj &&
		WINHOST_DIR=$PWD/hj "$RUN" "$n" -- "$WB" status --json >"$n.json" 2>"$n.err"
		rc=$?
		"$TOP/tests/tools/json-valid" "$TOP/templates/json/status.schema.json" "$n.json" || { echo "in $n"; exit 1; }
		python3 - "$n.json" "$n.err" $rc <<-\PY || { echo "in $n"; exit 1; }
		import json, sys
		j = json.load(open(sys.argv[1]))
		err = [l[len("wslbridge: warning: broken: "):].rstrip("\n") for l in open(sys.argv[2])
		       if l.startswith("wslbridge: warning: broken: ")]
		assert j["problems"] == err, (j["problems"], err)
		assert (j["verdict"] == "broken") == (sys.argv[3] == "3") and sys.argv[3] in ("0", "3"), (j["verdict"], sys.argv[3])
		assert j["windows"] is not None and j["offline"] is False
		PY
	done &&
	"$RUN" fresh-pro -- "$WB" status --offline --json >off.json &&
	"$TOP/tests/tools/json-valid" "$TOP/templates/json/status.schema.json" off.json &&
	grep -q "\"windows\": null" off.json && grep -q "\"path\": null" off.json
'

test_done
