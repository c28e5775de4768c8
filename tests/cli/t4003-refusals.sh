#!/bin/sh
# Refusals that name what would work (issue 19 item 7): the WSL versions
# that have the wanted mode, the other adapters that fit (also those down
# right now), and the modes this machine supports; nothing changes.
. "$(dirname "$0")/../lib.sh"
test_simulated_host

# refuse SCENARIO ARGS...: setup exits 1, Windows and .wslconfig untouched; err holds what it said.
refuse() {
	s=$1
	shift
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" "$s" -- true && cp h/state.xml before &&
	{ cat "$(wslconfig h)" 2>/dev/null || echo none; } >before.cfg &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h "$RUN" "$s" -- "$WB" setup "$@" --yes >out 2>err &&
	{ cat "$(wslconfig h)" 2>/dev/null || echo none; } >after.cfg &&
	test_cmp before h/state.xml && test_cmp before.cfg after.cfg && ! grep -q "^from=uac" h/launches.log
}

test_expect_success 'no adapter up: the ones that would fit are named, with their state now' '
	refuse adapters-down &&
	test_grep "no physical adapter is up" err &&
	test_grep "these would fit once connected: Ethernet (Intel(R) Ethernet Connection (7) I219-V; Disconnected now), Wi-Fi (Intel(R) Wi-Fi 6 AX201 160MHz; Disabled now)" err &&
	! grep -q "vEthernet" err
'

test_expect_success 'bridged on WSL 2.5.4: the versions that have it' '
	refuse old-wsl &&
	test_grep "observed false (WSL 2.5.4.0 has no bridged mode; WSL 2.0.0 to 2.5.3, 2.5.5 and later have it)" err
'

test_expect_success 'consomme on WSL 2.2.4 Windows 10: the versions that have it, and the one mode that works' '
	sed "s/<wsl version=\"2.6.1.0\"/<wsl version=\"2.2.4.0\"/" "$TOP/tests/winhost/scenarios/win10-pro.xml" >w10.xml &&
	refuse "$PWD/w10.xml" --mode consomme &&
	test_grep "WSL 2.3.25 and later has it" err &&
	test_grep "What works on this machine instead:" err && test_grep "wslbridge setup --mode nat" err &&
	! grep -q "mode mirrored" err
'

test_expect_success 'when no other mode passes its checks either, it says so' '
	sed "s|<policy />|<policy allow-networking-mode=\"0\" default-networking-mode=\"3\" />|" \
		"$TOP/tests/winhost/scenarios/win10-pro.xml" >forced.xml &&
	grep -q "allow-networking-mode" forced.xml &&
	refuse "$PWD/forced.xml" --mode nat &&
	test_grep "No other mode passes its checks on this machine either" err
'

test_done
