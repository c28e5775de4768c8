#!/bin/sh
# setup --mode mirrored and --mode nat, end to end through the simulated
# Windows host: capability refusals (Windows 10, Server 2022, IPv6 off), the
# Hyper-V firewall rules of --allow-port, the effective mode after a restart
# (a fallback reported with WSL's reason), repair, undo, and host-ip.
. "$(dirname "$0")/../lib.sh"
test_simulated_host
launches() { { grep "^from=$2" "$1/launches.log" 2>/dev/null || :; } | wc -l; }
# hvfw_rules HOST: the Hyper-V firewall rules on the simulated host, "name proto ports".
hvfw_rules() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
fw = ET.parse(sys.argv[1] + '/state.xml').getroot().find('host/hyperv-firewall')
for r in (fw.findall('rule') if fw is not None else []):
    print(r.get('name'), r.get('protocol'), r.get('local-ports'))" "$1"
}
# scenario NAME FROM SED: a scenario file made from another one.
scenario() {
	sed "$3" "$TOP/tests/winhost/scenarios/$2.xml" >"$1.xml"
}

test_expect_success 'mirrored on Home: one launch to observe, one with one UAC prompt, then exit 4' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" home-edition -- true &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" setup --mode mirrored \
		--allow-port 8080 --allow-port 5353/udp --yes >out &&
	test "$(launches h wsl)" = 2 && test "$(launches h uac)" = 1 &&
	test_grep "let TCP port 8080 into WSL through the Hyper-V firewall" out &&
	test_grep "let UDP port 5353 into WSL" out &&
	test_grep "^       +networkingMode=mirrored" out && test_grep "^       +dnsTunneling=true" out &&
	test_grep "^\[6/7\] restart: needed" out &&
	hvfw_rules h >rules && printf "wslbridge-allow-tcp-8080 TCP 8080\nwslbridge-allow-udp-5353 UDP 5353\n" >want &&
	test_cmp want rules &&
	test_grep "^networkingMode=mirrored" "$(wslconfig h)"
'

test_expect_success 'after the restart: WSL runs mirrored, setup verifies with one launch, check passes' '
	WINHOST_DIR=$PWD/h "$RUN" --restart home-edition -- "$WB" setup --yes >out &&
	test_grep "Nothing to change: this machine matches target mirrored" out &&
	test "$(launches h wsl)" = 3 && test "$(launches h uac)" = 1 &&
	WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" check >out &&
	test_grep "^Target mirrored" out && test_grep "ok   WSL applied mirrored mode" out &&
	test_grep "ok   the Hyper-V firewall lets ports 8080,5353/udp into WSL" out &&
	WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" host-ip >ip && echo 127.0.0.1 >want && test_cmp want ip &&
	WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" status >out &&
	test_grep "networking mode in use: mirrored" out &&
	test_grep "^    wslbridge-allow-udp-5353: Inbound Allow UDP 5353$" out
'

# The first run guesses from nothing (bridged, setup's default), reads the
# .wslconfig the user wrote, and asks Windows once more for what mirrored reads.
test_expect_success 'a first setup where .wslconfig asks for mirrored: the Hyper-V firewall is asked for again' '
	rm -rf hm && WINHOST_DIR=$PWD/hm "$RUN" home-edition -- true &&
	printf "[wsl2]\nnetworkingMode=mirrored\n" >"$(wslconfig hm)" &&
	WINHOST_DIR=$PWD/hm WSLBRIDGE_STATE_DIR=$PWD/hm-state "$RUN" home-edition -- "$WB" setup --dry-run >out &&
	test_grep "^Plan for setup (target mirrored)" out && test "$(launches hm wsl)" = 2 &&
	test "$(grep -c " import NetSecurity$" hm/calls.log)" = 1 &&
	WINHOST_DIR=$PWD/hm WSLBRIDGE_STATE_DIR=$PWD/hm-state "$RUN" home-edition -- "$WB" setup --dry-run >out &&
	test "$(launches hm wsl)" = 3
'

test_expect_success 'another port later: only its rule, no restart needed' '
	WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" setup --mode mirrored --allow-port 3000 --yes >out &&
	test_grep "let TCP port 3000" out && ! grep -q "port 8080" out &&
	test_grep "^\[6/7\] restart: not needed" out && test_grep "ok: WSL runs in mirrored mode" out &&
	test "$(hvfw_rules h | wc -l)" = 3
'

test_expect_success 'repair puts back a rule removed on Windows' '
	python3 -c "
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]); fw = t.getroot().find(\"host/hyperv-firewall\")
fw.remove([r for r in fw.findall(\"rule\") if r.get(\"name\") == \"wslbridge-allow-tcp-8080\"][0]); t.write(sys.argv[1])
" h/state.xml &&
	WINHOST_DIR=$PWD/h test_expect_code 3 "$RUN" home-edition -- "$WB" check >out &&
	test_grep "FAIL the Hyper-V firewall lets ports 8080,5353/udp,3000 into WSL: observed 8080" out &&
	WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" repair --yes >out &&
	test_grep "let TCP port 8080" out && ! grep -q "port 3000" out &&
	test "$(hvfw_rules h | wc -l)" = 3
'

test_expect_success 'undo takes the rules and .wslconfig back, newest change first' '
	for i in 1 2; do WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" undo --yes >/dev/null || exit 1; done &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h "$RUN" home-edition -- "$WB" undo --yes >/dev/null 2>err &&
	test_grep "wsl.exe --shutdown" err &&
	test -z "$(hvfw_rules h)" && test ! -e "$(wslconfig h)" &&
	# mirrored from setup to undo: the Hyper-V firewall read (Home has no Hyper-V module)
	grep -q " import NetSecurity$" h/calls.log
'

test_expect_success '--host-loopback writes the [experimental] key WSL reads' '
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" home-edition -- true &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h2 "$RUN" home-edition -- "$WB" setup --mode mirrored \
		--host-loopback true --yes >out &&
	test_grep "^\[experimental\]" "$(wslconfig h2)" && test_grep "^hostAddressLoopback=true" "$(wslconfig h2)" &&
	test "$(launches h2 uac)" = 0
'

# refuse SCENARIO PATTERN ARGS...: setup refuses, nothing changes on Windows or in .wslconfig.
refuse() {
	s=$1 p=$2
	shift 2
	rm -rf hr && WINHOST_DIR=$PWD/hr "$RUN" "$s" -- true && cp hr/state.xml before &&
	test_expect_code 1 env WINHOST_DIR=$PWD/hr "$RUN" "$s" -- "$WB" setup "$@" --yes >out 2>err &&
	test_grep "$p" err && test_cmp before hr/state.xml && test ! -e "$(wslconfig hr)"
}

test_expect_success 'Windows 10: mirrored is refused with WSL'"'"'s reason, NAT suggested' '
	refuse win10-pro "Windows version 19045.5131 does not have the required features" --mode mirrored &&
	test_grep "mirrored mode cannot work on this machine; nothing was changed" err &&
	test_grep "wslbridge setup --mode nat.: then .sudo wslbridge forward add PORT" err &&
	! grep -q "mode bridged" err
'

test_expect_success 'Server 2022: mirrored refused' '
	refuse server-2022 "Windows version 20348.2849 does not have the required features" --mode mirrored &&
	test_grep "wslbridge setup --mode nat" err
'

test_expect_success 'IPv6 disabled with DisabledComponents=0xFF: mirrored refused' '
	scenario ipv6-off home-edition "s/display-version=\"23H2\"/display-version=\"23H2\" ipv6-disabled-components=\"255\"/" &&
	refuse "$PWD/ipv6-off.xml" "IPv6 is not disabled on Windows (DisabledComponents=0xFF.*observed disabled" --mode mirrored
'

test_expect_success 'Windows 22621 before update 2359: refused; 22621.2359 itself works' '
	scenario old-22h2 home-edition "s/build=\"22631\" ubr=\"4460\"/build=\"22621\" ubr=\"2358\"/" &&
	refuse "$PWD/old-22h2.xml" "Windows version 22621.2358 does not have" --mode mirrored &&
	scenario new-22h2 home-edition "s/build=\"22631\" ubr=\"4460\"/build=\"22621\" ubr=\"2359\"/" &&
	rm -rf h3 && WINHOST_DIR=$PWD/h3 test_expect_code 4 "$RUN" "$PWD/new-22h2.xml" -- "$WB" setup --mode mirrored --yes >out
'

# mirrored-dynamic-ports: WSL 2.9.4, Windows' TCP range moved to 10000-10999 (UDP: the default).
test_expect_success "--allow-port inside Windows' dynamic range: refused where WSL refuses such binds" '
	rm -rf hd && WINHOST_DIR=$PWD/hd "$RUN" mirrored-dynamic-ports -- true && cp hd/state.xml before &&
	for p in 10000 10999 50000/udp; do
		test_expect_code 2 env WINHOST_DIR=$PWD/hd "$RUN" mirrored-dynamic-ports -- "$WB" setup --mode mirrored \
			--allow-port 8080 --allow-port $p --yes >out 2>err || return 1
		test_grep "allow-port $p: it lies in Windows. dynamic [TU][CD]P port range" err &&
		test_grep "WSL 2.9.4.0 in mirrored mode the guest may not bind .*d19366134" err &&
		test_grep "netsh int ipv4 set dynamicport" err || return 1
	done &&
	test_cmp before hd/state.xml && test ! -e "$(wslconfig hd)"
'

test_expect_success "--allow-port just outside the range, or in experimental.ignoredPorts, is planned" '
	rm -rf hd && WINHOST_DIR=$PWD/hd "$RUN" mirrored-dynamic-ports -- "$WB" setup --mode mirrored \
		--allow-port 9999 --allow-port 11000 --allow-port 5353/udp --dry-run >out 2>err &&
	test ! -s err && test_grep "let TCP port 11000" out &&
	mkdir -p "$(dirname "$(wslconfig hd)")" &&
	printf "[experimental]\nignoredPorts=10080\n" >"$(wslconfig hd)" &&
	WINHOST_DIR=$PWD/hd "$RUN" mirrored-dynamic-ports -- "$WB" setup --mode mirrored --allow-port 10080 --dry-run >out 2>err &&
	! grep -q "dynamic" err
'

test_expect_success "where WSL caps the guest at half of the range (assumed from 2.9.5), a warning only" '
	scenario half mirrored-dynamic-ports "s/version=\"2.9.4.0\"/version=\"3.0.1.0\"/" &&
	rm -rf hd && WINHOST_DIR=$PWD/hd "$RUN" "$PWD/half.xml" -- "$WB" setup --mode mirrored --allow-port 10080 --dry-run >out 2>err &&
	test_grep "warning: port 10080/tcp lies in Windows. dynamic TCP port range 10000-10999: .*at most half" err &&
	test_grep "let TCP port 10080" out &&
	scenario older mirrored-dynamic-ports "s/version=\"2.9.4.0\"/version=\"2.7.11.0\"/" &&
	rm -rf hd && WINHOST_DIR=$PWD/hd "$RUN" "$PWD/older.xml" -- "$WB" setup --mode mirrored --allow-port 10080 --dry-run >out 2>err &&
	test ! -s err
'

test_expect_success "the range unreadable on Windows: a warning, never a refusal" '
	scenario nors mirrored-dynamic-ports "s/<sim user=/<sim fail=\"MSFT_NetTCPSetting\" user=/" &&
	rm -rf hd && WINHOST_DIR=$PWD/hd "$RUN" "$PWD/nors.xml" -- "$WB" setup --mode mirrored --allow-port 10080 --dry-run >out 2>err &&
	test_grep "warning: port 10080/tcp: Windows. dynamic TCP port range could not be read" err &&
	test_grep "let TCP port 10080" out
'

test_expect_success 'bad options: a clear error, exit 2, nothing changed' '
	for bad in "--mode bridge" "--mode mirrored --allow-port 70000" "--mode mirrored --allow-port 80/sctp" \
		"--allow-port 8080" "--mode mirrored --switch X" "--mode mirrored --host-loopback yes" "--mode nat --mac 02:00:00:00:00:01"; do
		rm -rf hb && WINHOST_DIR=$PWD/hb "$RUN" home-edition -- true && cp hb/state.xml before &&
		WINHOST_DIR=$PWD/hb test_expect_code 2 "$RUN" home-edition -- "$WB" setup $bad --yes 2>err ||
			{ echo "for: $bad"; exit 1; }
		test_cmp before hb/state.xml && test ! -e "$(wslconfig hb)" || exit 1
	done &&
	WINHOST_DIR=$PWD/hb test_expect_code 2 "$RUN" home-edition -- "$WB" setup --mode bridge 2>err &&
	test_grep "\-\-mode takes bridged, mirrored, consomme or nat, not .bridge." err &&
	WINHOST_DIR=$PWD/hb test_expect_code 2 "$RUN" home-edition -- "$WB" host-ip eth0 2>err &&
	test_grep "host-ip takes no arguments" err && test_cmp before hb/state.xml
'

test_expect_success 'a fallback wslbridge cannot see: after the restart, said plainly (exit 1)' '
	scenario hns home-edition "s/<sim /<sim mirrored-fails=\"HNS does not support flow steering\" /" &&
	rm -rf h4 && WINHOST_DIR=$PWD/h4 test_expect_code 4 "$RUN" "$PWD/hns.xml" -- "$WB" setup --mode mirrored --yes >out &&
	WINHOST_DIR=$PWD/h4 test_expect_code 1 "$RUN" --restart "$PWD/hns.xml" -- "$WB" setup --yes >out 2>err &&
	test_grep "WSL restarted (after the last setup, .*) but did not apply mirrored mode" err &&
	test_grep "WSL applied mirrored mode (wslinfo): observed nat" err &&
	test_grep "WSL prints its reason on Windows when it starts" err &&
	test_grep "Mirrored networking mode is not supported: HNS does not support flow steering" h4/wsl-messages.log
'

test_expect_success 'a fallback it can explain: check reports WSL'"'"'s reason; setup keeps the mode asked for' '
	rm -rf h5 && WINHOST_DIR=$PWD/h5 "$RUN" win10-pro -- "$WB" config set wsl2.networkingMode mirrored >/dev/null &&
	WINHOST_DIR=$PWD/h5 test_expect_code 3 "$RUN" --restart win10-pro -- "$WB" check >out 2>err &&
	test_grep "target: mirrored, as .wslconfig implies" err &&
	test_grep "FAIL WSL applied mirrored mode (wslinfo): observed nat (WSL fell back: Mirrored networking mode is not supported: Windows version 19045.5131 does not have the required features. Falling back to NAT networking.)" out &&
	test_grep "Windows version 19045.5131 does not have the required features" h5/wsl-messages.log &&
	WINHOST_DIR=$PWD/h5 test_expect_code 1 "$RUN" win10-pro -- "$WB" setup --yes 2>err &&
	test_grep "mirrored mode cannot work on this machine; nothing was changed" err
'

test_expect_success 'bridged, then --mode nat: networkingMode=nat, restart, verified; host-ip follows the mode' '
	rm -rf h6 && WINHOST_DIR=$PWD/h6 test_expect_code 4 "$RUN" fresh-pro -- "$WB" setup --yes >out &&
	WINHOST_DIR=$PWD/h6 "$RUN" --restart fresh-pro -- "$WB" setup --yes >out &&
	WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- "$WB" host-ip >ip && echo 192.168.1.23 >want && test_cmp want ip &&
	WINHOST_DIR=$PWD/h6 test_expect_code 4 "$RUN" fresh-pro -- "$WB" setup --mode nat --yes >out &&
	test_grep "^       -networkingMode=bridged" out && test_grep "^       +networkingMode=nat" out &&
	test_grep "^vmSwitch=WSL Bridge" "$(wslconfig h6)" &&
	WINHOST_DIR=$PWD/h6 "$RUN" --restart fresh-pro -- "$WB" setup >out &&
	test_grep "matches target nat" out &&
	WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- "$WB" check >out && test_grep "^Target nat" out &&
	WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- "$WB" host-ip >ip && echo 172.20.16.1 >want && test_cmp want ip &&
	# setup 2, verify 1, host-ip (bridged) 1, setup --mode nat 1 (no Windows change), verify 1, check 1;
	# host-ip in NAT mode needs no launch
	test "$(launches h6 wsl)" = 7
'

test_done
