#!/bin/sh
# The simulated host behaves like Windows (tests/winhost/fakes/SOURCES.md):
# the real agent in real PowerShell meets the permission model (A.1, A.5),
# the elevation outcomes (B.6-B.8) and managed-machine policies (C.11,
# C.12).  What wslbridge makes of them is issue 15's; this holds the fakes.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
TOOL=$TOP/build/release/tests/tools/host-tool
unset WSLBRIDGE_STATE_DIR
ETH='adapter-guid={4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}'


test_expect_success 'A.1: not elevated, not in Hyper-V Administrators: switches unreadable, not empty' '
	"$RUN" standard-user-pro -- "$TOOL" observe >out &&
	test_grep "^unreadable switches permission" out &&
	test_grep "^unreadable external-ports permission" out &&
	! grep "^switch " out | grep -v " inferred$"
'

test_expect_success 'A.4: what a standard user can read: vEthernet adapters, the uplink bindings' '
	rm -rf h5 && WINHOST_DIR=$PWD/h5 "$RUN" standard-user-pro -- "$TOOL" apply create-switch name=X "$ETH" allow-management-os=true >out &&
	test_grep "^result 1 ok none switch-id=.* effect=changed" out &&
	WINHOST_DIR=$PWD/h5 "$RUN" standard-user-pro -- "$TOOL" observe >out &&
	test_grep "^switch X type=2 uplinks=1 inferred" out &&
	test_grep "^switch Default Switch type=-1 uplinks=0 inferred" out
'

test_expect_success 'A.1: in Hyper-V Administrators, the same machine shows its switches' '
	"$RUN" fresh-pro -- "$TOOL" observe >out &&
	test "$(grep -c "^switch " out)" = 2
'

test_expect_success 'the agent itself asks wsl.exe for its version (UTF-8 by WSL_UTF8)' '
	rm -rf h0 && WINHOST_DIR=$PWD/h0 "$RUN" fresh-pro -- "$TOOL" observe >out &&
	test_grep "^wsl.exe \[\"--version\"\]" h0/programs.log
'

test_expect_success 'B.6: a declined prompt: reported as declined, nothing changed, no elevated copy' '
	rm -rf h1 && WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- true && cp h1/state.xml before.xml &&
	WINHOST_DIR=$PWD/h1 "$RUN" --uac deny fresh-pro -- "$TOOL" apply create-switch name=X "$ETH" >out &&
	test_grep "^error uac-declined" out &&
	test_grep "uac prompt declined" h1/flags.log &&
	! grep -q "^from=uac" h1/launches.log &&
	test_cmp before.xml h1/state.xml
'

test_expect_success 'B.7: over the shoulder: an administrator signs in, the copy is elevated' '
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" "$(variant fresh-pro uac=\"ots\")" -- \
		"$TOOL" apply create-switch name=X "$ETH" >out &&
	test_grep "^result 1 ok" out &&
	test "$(grep -c "^from=uac elevated=yes" h2/launches.log)" = 1
'

test_expect_success 'B.8/A.5: UAC off: the copy starts without a prompt and is not elevated' '
	rm -rf h3 && WINHOST_DIR=$PWD/h3 "$RUN" "$(variant standard-user-pro uac=\"off\")" -- true &&
	cp h3/state.xml before.xml &&
	WINHOST_DIR=$PWD/h3 "$RUN" "$(variant standard-user-pro uac=\"off\")" -- \
		"$TOOL" apply create-switch name=X "$ETH" >out &&
	test_grep "^from=uac elevated=no" h3/launches.log &&
	test_grep "^error not-elevated" out &&
	test_cmp before.xml h3/state.xml
'

test_expect_success 'C.11: ConstrainedLanguage: the agent stops at once with its own code' '
	rm -rf h4 && WINHOST_DIR=$PWD/h4 "$RUN" "$(variant fresh-pro language-mode=\"ConstrainedLanguage\")" -- true &&
	cp h4/state.xml before.xml &&
	test_must_fail env WINHOST_DIR=$PWD/h4 "$RUN" "$(variant fresh-pro language-mode=\"ConstrainedLanguage\")" -- \
		"$TOOL" apply create-switch name=X "$ETH" >out 2>err &&
	test_grep "exited with code 5 and wrote no response" err &&
	test_cmp before.xml h4/state.xml
'

test_expect_success 'C.12: AllSigned: the unsigned agent does not start' '
	test_must_fail "$RUN" "$(variant fresh-pro execution-policy=\"AllSigned\")" -- "$TOOL" observe >out 2>err &&
	test_grep "is not digitally signed" err
'

test_expect_success 'E.21: a NIC bound to another switch: ObjectInUse, nothing changed' '
	rm -rf h5 && WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$TOOL" apply create-switch name=A "$ETH" \
		allow-management-os=true >out &&
	test_grep "^result 1 ok" out && cp h5/state.xml before.xml &&
	WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$TOOL" apply \
		bind-switch switch-id=c08cb7b8-9b3c-408e-8e30-5e16a3aeb444 "$ETH" >out &&
	test_grep "^result 1 error adapter-in-use" out &&
	test_cmp before.xml h5/state.xml
'

# The agent looks before it creates (a plan made blind cannot see the owner).
test_expect_success 'create-switch on a NIC another switch uses: refused by name, New-VMSwitch not called' '
	: >h5/cmdlets.log &&
	WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$TOOL" apply create-switch name=B "$ETH" >out &&
	test_grep "^result 1 error refused" out &&
	! grep -q "^New-VMSwitch" h5/cmdlets.log &&
	test_cmp before.xml h5/state.xml
'

test_expect_success 'E.20: the host address moves to vEthernet (NAME), with Windows sharing the switch' '
	grep -q "vEthernet (A)" h5/state.xml &&
	python3 -c "
import sys, xml.etree.ElementTree as ET
h = ET.parse(\"h5/state.xml\").getroot().find(\"host\")
a = {x.get(\"name\"): x for x in h.find(\"adapters\")}
assert a[\"Ethernet\"].find(\"ipv4\") is None, \"the uplink kept its address\"
assert a[\"vEthernet (A)\"].find(\"ipv4\").get(\"address\") == \"192.168.1.23\"
"
'

test_expect_success 'the coverage tool counts statements and finds what ran' '
	cat >s.ps1 <<-\EOF_ &&
	$a = 1
	if ($a -eq 2) { Write-Output never }
	Write-Output once
	EOF_
	mkdir -p cov && printf "1:1\n2:5\n" >cov/hits-1.txt && echo "3:1" >cov/hits-2.txt &&
	test_expect_code 1 "$TOP/tests/.tools/pwsh/pwsh" -NoProfile -File "$TOP/tests/winhost/coverage.ps1" s.ps1 cov 90 >out &&
	test_grep "3 of 4 statements run" out &&
	test_grep "not run: line 2: Write-Output never" out
'

test_expect_success 'a switch a VM uses: the agent reports its NIC and refuses to remove it' '
	lab=aaaaaaaa-1111-4222-8333-444444444444 &&
	sed "s|<switches>|<switches><switch id=\"$lab\" name=\"Lab\" type=\"1\" notes=\"Created by wslbridge\" allow-management-os=\"false\"/><vm-nic vm=\"lab-vm\" switch-id=\"$lab\"/>|" \
		"$TOP/tests/winhost/scenarios/fresh-pro.xml" >lab.xml &&
	WINHOST_DIR=$PWD/h6 WSLBRIDGE_KEEP_STAGING=1 "$RUN" lab.xml -- "$TOOL" observe >out &&
	grep -rq "<vm-nic vm=\"lab-vm\" switch-id=\"$lab\"" h6/root &&
	WINHOST_DIR=$PWD/h6 "$RUN" lab.xml -- "$TOOL" apply remove-switch "switch-id=$lab" >out &&
	test_grep "^result 1 error" out &&
	grep -q "id=\"$lab\"" h6/state.xml
'

test_expect_success 'an adapter that is not there: the action fails by its type, nothing is made' '
	WINHOST_DIR=$PWD/h7 "$RUN" fresh-pro -- "$TOOL" apply create-switch name=Ghost \
		"adapter-guid={00000000-0000-0000-0000-000000000000}" >out &&
	test_grep "^result 1 error" out &&
	! grep -q "name=\"Ghost\"" h7/state.xml
'

test_expect_success 'an inbox wsl.exe without --version, and no wsl.exe at all' '
	sed -e "s|<wsl version=\"[^\"]*\"|<wsl version=\"\"|" -e "s|inbox=\"false\"|inbox=\"true\"|" \
		"$TOP/tests/winhost/scenarios/fresh-pro.xml" >inbox.xml &&
	WINHOST_DIR=$PWD/h8 WSLBRIDGE_KEEP_STAGING=1 "$RUN" inbox.xml -- "$TOOL" observe >out &&
	grep -rq "<wsl version=\"\" kernel=\"\" windows=\"\" inbox=\"true\"" h8/root &&
	rm -rf h9 && WINHOST_DIR=$PWD/h9 "$RUN" fresh-pro -- true &&
	rm h9/root/mnt/c/Windows/System32/wsl.exe &&
	WINHOST_DIR=$PWD/h9 WSLBRIDGE_KEEP_STAGING=1 "$RUN" fresh-pro -- "$TOOL" observe >out &&
	grep -rq "inbox=\"missing\"" h9/root
'

test_expect_success 'a warm PowerShell gives what a cold one gives: responses, cmdlet calls, exit codes' '
	for s in fresh-pro standard-user-pro localized-de; do
		for w in 1 0; do
			rm -rf "w$w" &&
			WINHOST_WARM=$w WINHOST_DIR=$PWD/w$w "$RUN" "$s" -- "$WB" status --xml >"$s.$w" 2>&1;
			echo "rc=$?" >>"$s.$w" &&
			WINHOST_WARM=$w WINHOST_DIR=$PWD/w$w "$RUN" --uac deny "$s" -- "$TOOL" apply create-switch name=W "$ETH" >>"$s.$w" 2>&1;
			echo "rc=$?" >>"$s.$w" &&
			cat "w$w/cmdlets.log" >>"$s.$w" || exit 1
		done
		test_cmp "$s.0" "$s.1" || exit 1
	done
'

# D.16/D.17: what XmlWriter refuses is cleaned; uint32 counters above 2^31-1 are read.
test_expect_success 'D.16/D.17: lone surrogates and U+FFFF in notes, a uint32 MTU: the response stays whole' '
	sed -e "s|name=\"Default Switch\" type=\"1\" notes=\"\"|name=\"Default Switch\" type=\"1\" notes-escaped=\"a\\\\uD800b\\\\uFFFFc\"|" \
	    -e "s|mtu=\"1500\" metric=\"35\"|mtu=\"4294967295\" metric=\"35\"|" \
		"$TOP/tests/winhost/scenarios/fresh-pro.xml" >odd.xml &&
	grep -q "notes-escaped" odd.xml && grep -q 4294967295 odd.xml &&
	rm -rf h6 && WINHOST_DIR=$PWD/h6 "$RUN" "$PWD/odd.xml" -- "$WB" status --xml >out &&
	test_grep "notes=\"a?b?c\"" out && test_grep "mtu=\"4294967295\"" out &&
	! test -e h6/flags.log
'

# D.19: a persistent route and a static address are in both stores; the
# agent reads the active one, so each is there once.
test_expect_success 'D.19: a static address and a persistent default route are read once each' '
	sed -e "s|<ipv4 address=\"192.168.1.23\"|<ipv4 persistent=\"true\" address=\"192.168.1.23\"|" \
	    -e "s|<route prefix=\"0.0.0.0/0\" next-hop=\"192.168.1.1\" ifindex=\"12\"|<route persistent=\"true\" prefix=\"0.0.0.0/0\" next-hop=\"192.168.1.1\" ifindex=\"12\"|" \
	    "$TOP/tests/winhost/scenarios/fresh-pro.xml" >static.xml &&
	test "$(grep -c "persistent=" static.xml)" = 2 &&
	rm -rf hs && WINHOST_DIR=$PWD/hs "$RUN" "$PWD/static.xml" -- "$WB" status --xml >out &&
	test "$(grep -c "address=\"192.168.1.23\"" out)" = 1 &&
	test "$(grep -c "<route prefix=\"0.0.0.0/0\" next-hop=\"192.168.1.1\" ifindex=\"12\"" out)" = 1
'

# Each section of the observation in its own try: one failing cmdlet costs its section only.
test_expect_success 'a failing cmdlet costs its section only: status says what could not be read' '
	rm -rf h8 && WINHOST_DIR=$PWD/h8 "$RUN" "$(variant fresh-pro fail=MSFT_NetAdapter)" -- "$WB" status >out &&
	test_grep "^Could not be read on Windows" out &&
	test_grep "^  adapters  *Provider load failure \[HRESULT 0x80041013,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand" out &&
	test_grep "^  WSL 2.6.1.0" out &&
	WINHOST_DIR=$PWD/h8 "$RUN" fresh-pro -- "$WB" status --xml >out &&
	grep -A1 "<adapters>" out >adapters && test_grep "<unreadable reason=\"failed\"" adapters
'

# D.14: a native program's stderr is kept apart and it is judged by its exit code.
test_expect_success 'D.14: wsl.exe warns on stderr before its answer: the version is still read' '
	rm -rf h9 && WINHOST_DIR=$PWD/h9 "$RUN" "$(variant fresh-pro wsl-warning=yes)" -- "$WB" status >out &&
	test_grep "^  WSL 2.6.1.0, kernel 6.6.87.2" out
'

# A switch already gone counts as removed (make it absent); the result says nothing changed.
test_expect_success 'remove-switch of a switch that is gone: done, effect none' '
	"$RUN" fresh-pro -- "$TOOL" apply remove-switch switch-id=0b0c0d0e-1111-2222-3333-444455556666 >out &&
	test_grep "^result 1 ok none switch-id=0b0c0d0e-1111-2222-3333-444455556666 effect=none" out
'

test_done
