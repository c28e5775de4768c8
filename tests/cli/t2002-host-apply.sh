#!/bin/sh
# The host agent's actions through the simulated host: one launch per call,
# at most one UAC prompt, errors classified without message text, and user
# values that never become script text.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
TOOL=$TOP/build/release/tests/tools/host-tool
unset WSLBRIDGE_STATE_DIR
ETH='adapter-guid={4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}'
WIFI='adapter-guid={9B2F6E41-0D7A-4C3E-8F15-6A4D2C9E7B08}'

# state NAME: the switches in a host's state.xml, one "name|type|uplink" line each.
switches() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
for s in ET.parse(sys.argv[1]).getroot().iter('switch'):
    u = s.find('uplink')
    print('%s|%s|%s' % (s.get('name'), s.get('type'), u.get('guid') if u is not None else ''))
" "$1/state.xml"
}

test_expect_success 'create an external switch: one launch, one UAC prompt' '
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$TOOL" apply create-switch "name=WSL Bridge" "$ETH" \
		allow-management-os=true >out &&
	test_grep "^result 1 ok none" out &&
	test "$(grep -c "^from=wsl" h1/launches.log)" = 1 &&
	test "$(grep -c "^from=uac elevated=yes" h1/launches.log)" = 1 &&
	switches h1 >sw && test_grep "^WSL Bridge|2|{4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}$" sw &&
	test_grep "^switch WSL Bridge type=2 uplinks=1" out
'

test_expect_success 'the state after the batch comes back with the results' '
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$TOOL" observe >out &&
	test_grep "^switch WSL Bridge type=2" out
'

# The agent looks before New-VMSwitch (E.21 itself is t2004's, through bind-switch).
test_expect_success 'an adapter another switch owns: refused by the agent; the rest is skipped' '
	cp h1/state.xml before.xml &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$TOOL" apply create-switch name=Two "$ETH" \
		-- set-metric "$WIFI" metric=6000 >out &&
	test_grep "^result 1 error refused" out &&
	test_grep "^result 2 skipped" out &&
	test_cmp before.xml h1/state.xml
'

# B.6: Process.Start (Verb runas) keeps the Win32Exception of a declined
# prompt, so the agent tells it apart (1223).
test_expect_success 'UAC declined: a clear error, nothing changed' '
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- true && cp h2/state.xml before.xml &&
	WINHOST_DIR=$PWD/h2 "$RUN" --uac deny fresh-pro -- "$TOOL" apply create-switch name=X "$ETH" >out &&
	test_grep "^error uac-declined" out &&
	test_cmp before.xml h2/state.xml &&
	! grep -q "^from=uac" h2/launches.log
'

test_expect_success 'no way to elevate: a clear error, nothing changed' '
	rm -rf h3 && WINHOST_DIR=$PWD/h3 "$RUN" uac-none -- true && cp h3/state.xml before.xml &&
	WINHOST_DIR=$PWD/h3 "$RUN" uac-none -- "$TOOL" apply create-switch name=X "$ETH" >out &&
	test_grep "^error uac-declined" out && test_cmp before.xml h3/state.xml
'

test_expect_success 'Home edition: the Hyper-V cmdlets do not exist' '
	"$RUN" home-edition -- "$TOOL" apply create-switch name=X "$ETH" >out &&
	test_grep "^result 1 error no-hyperv-module" out
'

test_expect_success 'VMware broke the bindings: bind fails until they are fixed in order' '
	rm -rf h4 &&
	sw=switch-id=5f3a2b1c-0d9e-4f8a-b7c6-d5e4f3a2b1c0 &&
	WINHOST_DIR=$PWD/h4 "$RUN" vmware-broken -- "$TOOL" apply bind-switch "$sw" "$ETH" \
		allow-management-os=true >out &&
	test_grep "^result 1 error bind-failed" out &&
	WINHOST_DIR=$PWD/h4 "$RUN" vmware-broken -- "$TOOL" apply \
		set-binding "$ETH" component=vmware_bridge enabled=false -- \
		set-binding "$ETH" component=vms_pp enabled=true -- \
		bind-switch "$sw" "$ETH" allow-management-os=true >out &&
	test "$(grep -c " ok none" out)" = 3 &&
	switches h4 >s && test_grep "^WSL Bridge|2|{4A6C1D22" s
'

test_expect_success 'errors are classified the same in German' '
	"$RUN" localized-de -- "$TOOL" apply bind-switch switch-id=00000000-0000-0000-0000-00000000beef "$ETH" >out &&
	test_grep "^result 1 error switch-not-found" out &&
	"$RUN" localized-de -- "$TOOL" apply set-binding "$ETH" component=nope enabled=true >out &&
	test_grep "^result 1 error binding-not-found" out
'

test_expect_success 'remove only a switch wslbridge created' '
	id=$(python3 -c "
import sys, xml.etree.ElementTree as ET
print([s.get(\"id\") for s in ET.parse(\"h1/state.xml\").getroot().iter(\"switch\") if s.get(\"name\") == \"WSL Bridge\"][0])") &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$TOOL" apply remove-switch "switch-id=c08cb7b8-9b3c-408e-8e30-5e16a3aeb444" >out &&
	test_grep "^result 1 error refused" out &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$TOOL" apply remove-switch "switch-id=$id" >out &&
	test_grep "^result 1 ok" out &&
	switches h1 >s && ! grep -q "^WSL Bridge" s
'

test_expect_success 'hostile names reach Windows as data only, byte for byte' '
	rm -rf h5 &&
	long=$(printf "%0255d" 0 | tr 0 x) &&
	nl=$(printf "a\nb") &&
	for name in "q\"uote" "s'"'"'ingle" "\$(Remove-Item C:\\ -Recurse)" "back\`tick\`n" "semi;colon; calc" \
		"$nl" "here'"'"'@" "@'"'"'
x" "Caf$(printf "\303\251") $(printf "\346\227\245\346\234\254")" "$long" "<x>&amp;</x>"; do
		WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$TOOL" apply create-switch "name=$name" "$WIFI" >out || exit 1
		test_grep "^result 1 ok" out || exit 1
		python3 - "$name" <<-\PY || exit 1
		import sys, xml.etree.ElementTree as ET
		names = [s.get("name") for s in ET.parse("h5/state.xml").getroot().iter("switch")]
		assert sys.argv[1] in names, (sys.argv[1], names)
		PY
		WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$TOOL" apply remove-switch \
			"switch-id=$(python3 -c "
import sys, xml.etree.ElementTree as ET
print([s.get(\"id\") for s in ET.parse(\"h5/state.xml\").getroot().iter(\"switch\") if s.get(\"notes\") == \"Created by wslbridge\"][0])")" >out || exit 1
	done &&
	test ! -s h5/flags.log &&
	! grep -q -e Remove-Item -e calc -e tick h5/launches.log
'

test_done
