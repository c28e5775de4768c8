#!/bin/sh
# Consomme (VirtioProxy before WSL 2.9.0), end to end through the simulated
# Windows host: setup --mode consomme and the spelling each WSL reads, its
# preflight (WSL version, wsl2.virtio), check's address kind (the host's
# own address, copied; link-local is no LAN address), host-ip (never the
# router), status, and a fallback after a real restart told from a pending
# restart (issue 19 items 1 and 6).
. "$(dirname "$0")/../lib.sh"
test_simulated_host
launches() { { grep "^from=$2" "$1/launches.log" 2>/dev/null || :; } | wc -l; }
scenario() {
	sed "$3" "$TOP/tests/winhost/scenarios/$2.xml" >"$1.xml"
}

test_expect_success 'WSL 2.9.5: setup --mode consomme writes Consomme, no prompt, exit 4 until the restart' '
	rm -rf h && WINHOST_DIR=$PWD/h test_expect_code 4 "$RUN" consomme -- "$WB" setup --mode consomme --yes >out &&
	test_grep "^       +networkingMode=Consomme$" out && test_grep "3. Windows: nothing to change" out &&
	test "$(launches h uac)" = 0 && test_grep "^networkingMode=Consomme" "$(wslconfig h)"
'

test_expect_success 'after the restart: verified; check passes with the copied host address; host-ip is not the router' '
	WINHOST_DIR=$PWD/h "$RUN" --restart consomme -- "$WB" setup --yes >out &&
	test_grep "Nothing to change: this machine matches target consomme" out &&
	WINHOST_DIR=$PWD/h "$RUN" consomme -- "$WB" check >out &&
	test_grep "ok   eth0 carries Windows. own address (Consomme copies it)" out &&
	WINHOST_DIR=$PWD/h "$RUN" consomme -- "$WB" check --json >out.json &&
	test_grep "\"observed\": \"host (192.168.1.23 is Windows. own address on Ethernet: Consomme copies it)\"" out.json &&
	WINHOST_DIR=$PWD/h "$RUN" consomme -- "$WB" host-ip >ip 2>err && echo 127.0.0.1 >want && test_cmp want ip &&
	! grep -q 192.168.1.1 ip &&
	WINHOST_DIR=$PWD/h "$RUN" consomme -- "$WB" -v host-ip 2>err >/dev/null &&
	test_grep "WSL relays 127.0.0.1 to Windows. loopback over loopback0" err &&
	WINHOST_DIR=$PWD/h "$RUN" consomme -- "$WB" status >out &&
	test_grep "networking mode in use: consomme" out &&
	test_grep "Consomme: eth0 carries Windows. own address and gateway (the LAN.s router, not Windows)" out
'

test_expect_success 'host-ip with localhostForwarding=false (no loopback0): cannot be known, exit 1, the router never printed' '
	printf "[wsl2]\nnetworkingMode=Consomme\nlocalhostForwarding=false\n" >"$(wslconfig h)" &&
	WINHOST_DIR=$PWD/h "$RUN" --restart consomme -- true &&
	WINHOST_DIR=$PWD/h test_expect_code 1 "$RUN" consomme -- "$WB" host-ip >ip 2>err &&
	test_grep "consomme mode with wsl2.localhostForwarding=false: WSL gives the guest no way to Windows" err &&
	test_grep "cannot be known" err && test ! -s ip && ! grep -q 192.168.1.1 err &&
	# the key taken out again, but WSL not restarted: still no loopback0
	printf "[wsl2]\nnetworkingMode=Consomme\n" >"$(wslconfig h)" &&
	WINHOST_DIR=$PWD/h test_expect_code 1 "$RUN" consomme -- "$WB" host-ip >ip 2>err &&
	test_grep "consomme mode, but loopback0 (WSL.s relay to Windows. loopback) is missing" err &&
	test ! -s ip && ! grep -q 192.168.1.1 err
'

test_expect_success 'mirrored'"'"'s options with --mode consomme: exit 2, nothing changed' '
	rm -rf hb && WINHOST_DIR=$PWD/hb "$RUN" consomme -- true && cp hb/state.xml before &&
	WINHOST_DIR=$PWD/hb test_expect_code 2 "$RUN" consomme -- "$WB" setup --mode consomme --allow-port 8080 --yes 2>err &&
	test_grep "allow-port and --host-loopback are for mirrored mode: in Consomme mode WSL binds a port on Windows" err &&
	test_cmp before hb/state.xml && test ! -e "$(wslconfig hb)"
'

test_expect_success 'WSL 2.6.1: the same mode is written VirtioProxy (2.6 does not know Consomme) and verified' '
	rm -rf h2 && WINHOST_DIR=$PWD/h2 test_expect_code 4 "$RUN" home-edition -- "$WB" setup --mode consomme --yes >out &&
	test_grep "^       +networkingMode=VirtioProxy$" out &&
	WINHOST_DIR=$PWD/h2 "$RUN" --restart home-edition -- "$WB" setup --yes >out &&
	test_grep "matches target consomme" out &&
	WINHOST_DIR=$PWD/h2 "$RUN" home-edition -- "$WB" check >out && test_grep "ok   WSL applied Consomme mode" out &&
	test "$(cat h2/linux-mode)" = virtioproxy
'

test_expect_success 'WSL 2.2.4: refused, naming the versions that have the mode and what works instead' '
	scenario old home-edition "s/<wsl version=\"2.6.1.0\"/<wsl version=\"2.2.4.0\"/" &&
	rm -rf h3 && WINHOST_DIR=$PWD/h3 "$RUN" "$PWD/old.xml" -- true && cp h3/state.xml before &&
	WINHOST_DIR=$PWD/h3 test_expect_code 1 "$RUN" "$PWD/old.xml" -- "$WB" setup --mode consomme --yes >out 2>err &&
	test_grep "Consomme mode cannot work on this machine; nothing was changed" err &&
	test_grep "observed false (WSL 2.2.4.0 has no Consomme (VirtioProxy) mode; WSL 2.3.25 and later has it)" err &&
	test_grep "wslbridge setup --mode mirrored" err && test_grep "wslbridge setup --mode nat" err &&
	test_cmp before h3/state.xml && test ! -e "$(wslconfig h3)"
'

test_expect_success 'wsl2.virtio=false: setup refuses and says why WSL would fall back' '
	rm -rf h4 && WINHOST_DIR=$PWD/h4 "$RUN" consomme -- "$WB" config set wsl2.virtio false >/dev/null 2>&1 &&
	cp "$(wslconfig h4)" before &&
	WINHOST_DIR=$PWD/h4 test_expect_code 1 "$RUN" consomme -- "$WB" setup --mode consomme --yes >out 2>err &&
	test_grep "wsl2.virtio is on (or unset: on by default); without it WSL falls back to NAT: observed false" err &&
	test_grep "wslbridge config unset wsl2.virtio" err && test_cmp before "$(wslconfig h4)"
'

test_expect_success 'by hand, before the restart: check says restart; status says it waits for one' '
	WINHOST_DIR=$PWD/h4 "$RUN" consomme -- "$WB" config set wsl2.networkingMode consomme >/dev/null 2>&1 &&
	WINHOST_DIR=$PWD/h4 test_expect_code 3 "$RUN" consomme -- "$WB" check >out 2>err &&
	test_grep "target: consomme, as .wslconfig implies" err &&
	test_grep "FAIL WSL applied Consomme mode (wslinfo): observed nat, expected" out &&
	test_grep "remedy: restart WSL (.wsl.exe --shutdown.)" out &&
	WINHOST_DIR=$PWD/h4 test_expect_code 3 "$RUN" consomme -- "$WB" status >out &&
	test_grep ".wslconfig asks for consomme: WSL applies it at its next restart" out
'

test_expect_success 'after a real restart: check says WSL fell back, quotes why, and does not ask for another restart' '
	WINHOST_DIR=$PWD/h4 test_expect_code 3 "$RUN" --restart consomme -- "$WB" check >out 2>err &&
	test_grep "Consomme networking is not supported when wsl2.virtio is disabled" h4/wsl-messages.log &&
	test_grep "FAIL WSL applied Consomme mode (wslinfo): observed nat (WSL fell back: Consomme networking is not supported when wsl2.virtio is disabled; falling back to networkingMode Nat.)" out &&
	test_grep "remedy: WSL restarted after .wslconfig was written and runs nat, not consomme: another restart will not change that. WSL printed its reason on the Windows console" out &&
	! grep -q "remedy: restart WSL" out &&
	WINHOST_DIR=$PWD/h4 test_expect_code 3 "$RUN" consomme -- "$WB" check --json >out.json &&
	grep -q "another restart will not change that" out.json &&
	WINHOST_DIR=$PWD/h4 test_expect_code 3 "$RUN" consomme -- "$WB" status >out &&
	test_grep "WSL fell back: .wslconfig asks for consomme, and WSL restarted after it was written but runs nat" out
'

test_expect_success 'a fallback it cannot explain: still no second restart asked for' '
	scenario hns home-edition "s/<sim /<sim mirrored-fails=\"HNS does not support flow steering\" /" &&
	rm -rf h5 && WINHOST_DIR=$PWD/h5 "$RUN" "$PWD/hns.xml" -- "$WB" config set wsl2.networkingMode mirrored >/dev/null 2>&1 &&
	WINHOST_DIR=$PWD/h5 test_expect_code 3 "$RUN" --restart "$PWD/hns.xml" -- "$WB" check >out &&
	test_grep "observed nat (WSL fell back: .wslconfig asks for mirrored)" out &&
	test_grep "another restart will not change that.*the environment checks above say what can be seen from here" out
'

test_expect_success 'a link-local eth0 (169.254/16) is not a LAN address' '
	scenario ll fresh-pro "s|<eth0 address=\"[^\"]*\" gateway=\"[^\"]*\"|<eth0 address=\"169.254.12.7/16\"|" &&
	grep -q "169.254.12.7/16" ll.xml &&
	test_expect_code 3 "$RUN" "$PWD/ll.xml" -- "$WB" check bridged --switch "WSL Bridge" >out &&
	test_grep "FAIL eth0 has a LAN address, not one from WSL.s NAT: observed link-local (169.254.12.7: no DHCP server answered, this is not a LAN address)" out
'

test_done
