#!/bin/sh
# setup, repair and undo of bridged mode, end to end through the simulated
# Windows host (and a network namespace for the VM's eth0).
. "$(dirname "$0")/../lib.sh"
test_simulated_host
launches() { grep -c "^from=$2" "$1/launches.log" 2>/dev/null || echo 0; }
switch_names() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
print('|'.join(s.get('name') for s in ET.parse(sys.argv[1] + '/state.xml').getroot().iter('switch')))" "$1"
}

test_expect_success 'setup --dry-run prints the plan with a diff and changes nothing' '
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --dry-run >out &&
	test_grep "create the external switch .WSL Bridge. on Ethernet, shared with Windows  \[admin\]" out &&
	test_grep "note: this drops Windows. own network on Ethernet for a few seconds" out &&
	test_grep "^       +networkingMode=bridged" out &&
	test_grep "^       +vmSwitch=WSL Bridge" out &&
	test_grep "nothing was changed" out &&
	test ! -e "$(wslconfig h)" && test "$(switch_names h)" = "Default Switch|WSL (Hyper-V firewall)"
'

test_expect_success 'without a terminal setup needs --yes, and changes nothing' '
	test_expect_code 2 env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup </dev/null 2>err &&
	test_grep "pass --yes" err && test ! -e "$(wslconfig h)"
'

test_expect_success 'fresh-pro: setup in two launches and one UAC prompt, then exit 4' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --yes >out &&
	test "$(launches h wsl)" = 2 && test "$(launches h uac)" = 1 &&
	test_grep "^\[3/7\] Windows: 1 change made" out &&
	test_grep "^\[6/7\] restart: needed" out &&
	test_grep "wsl.exe --shutdown" out &&
	test_grep "^networkingMode=bridged" "$(wslconfig h)" &&
	test_grep "^macAddress=[0-9a-f][26ae]:" "$(wslconfig h)" &&
	test "$(switch_names h)" = "Default Switch|WSL (Hyper-V firewall)|WSL Bridge"
'

test_expect_success 'after the restart: setup verifies, check passes' '
	WINHOST_DIR=$PWD/h "$RUN" --restart fresh-pro -- "$WB" setup --yes >out &&
	test_grep "Nothing to change" out &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" check >out &&
	test_grep "21 of 21 expectations hold" out
'

test_expect_success '--dry-run --detailed-exitcode: 0 when nothing would change, 2 when changes are pending' '
	WINHOST_DIR=$PWD/h test_expect_code 0 "$RUN" fresh-pro -- "$WB" setup --dry-run --detailed-exitcode >out &&
	test_grep "Nothing to change" out &&
	WINHOST_DIR=$PWD/h test_expect_code 0 "$RUN" fresh-pro -- "$WB" repair --dry-run --detailed-exitcode >out &&
	rm -rf hd && WINHOST_DIR=$PWD/hd "$RUN" fresh-pro -- true && cp -r hd hd.before &&
	WINHOST_DIR=$PWD/hd test_expect_code 2 "$RUN" fresh-pro -- "$WB" setup --dry-run --detailed-exitcode >out &&
	test_grep "nothing was changed" out && test ! -e "$(wslconfig hd)" &&
	WINHOST_DIR=$PWD/hd test_expect_code 0 "$RUN" fresh-pro -- "$WB" setup --dry-run >out &&
	WINHOST_DIR=$PWD/hd test_expect_code 2 "$RUN" fresh-pro -- "$WB" setup --detailed-exitcode 2>err &&
	test_grep "detailed-exitcode goes with --dry-run" err && test ! -e "$(wslconfig hd)"
'

test_expect_success '--dry-run --json: the plan follows plan.schema.json, is the text plan, and changes nothing' '
	rm -rf hj && WINHOST_DIR=$PWD/hj "$RUN" fresh-pro -- true &&
	WINHOST_DIR=$PWD/hj test_expect_code 2 "$RUN" fresh-pro -- "$WB" setup --dry-run --json --detailed-exitcode >plan.json &&
	"$TOP/tests/tools/json-valid" "$TOP/templates/json/plan.schema.json" plan.json &&
	WINHOST_DIR=$PWD/hj "$RUN" fresh-pro -- "$WB" setup --dry-run >plan.txt &&
	python3 - plan.json plan.txt <<-\PY &&
	import json, sys
	p = json.load(open(sys.argv[1])); text = open(sys.argv[2]).read()
	assert p["verb"] == "setup" and p["pending"] and p["restart"], p
	assert p["for"]["mode"] == "bridged" and p["for"]["switch"] == "WSL Bridge", p["for"]
	assert [a["type"] for a in p["windows"]["actions"]] == ["create-switch"], p["windows"]
	a = p["windows"]["actions"][0]
	assert a["attrs"]["name"] == "WSL Bridge" and a["undo"] == "remove-switch" and a["describe"] in text, a
	(f,) = p["files"]
	assert f["path"].endswith("/.wslconfig") and f["action"] == "create", f
	for line in f["diff"].splitlines()[2:]:
	    assert "       " + line in text, line
	PY
	test ! -e "$(wslconfig hj)" && test "$(switch_names hj)" = "Default Switch|WSL (Hyper-V firewall)" &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" repair --dry-run --json >same.json &&
	"$TOP/tests/tools/json-valid" "$TOP/templates/json/plan.schema.json" same.json &&
	grep -q "\"pending\": false" same.json && grep -q "\"verb\": \"repair\"" same.json &&
	test_expect_code 2 "$RUN" fresh-pro -- "$WB" setup --json 2>err && test_grep "json goes with --dry-run" err
'

test_expect_success 'a second setup: no elevation, files byte-identical' '
	cp "$(wslconfig h)" before && n=$(launches h wsl) &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --yes >out &&
	test_cmp before "$(wslconfig h)" &&
	test "$(launches h wsl)" = $((n + 1)) && test "$(launches h uac)" = 1
'

test_expect_success 'undo refuses a history that names a Windows change it does not know: nothing undone' '
	cp "$(wslconfig h)" before && cp h/state.xml state-before &&
	entry=$(ls -d h/root/var/lib/wslbridge/history/* | tail -1)/change.xml &&
	cp "$entry" entry.orig &&
	sed "s/type=\"remove-switch\"/type=\"format-disk\"/" entry.orig >"$entry" &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" undo --yes 2>err &&
	test_grep "does not know (.format-disk.); nothing was undone" err &&
	test_cmp before "$(wslconfig h)" && test_cmp state-before h/state.xml &&
	cp entry.orig "$entry"
'

test_expect_success 'undo after setup: files and the target record as before, the switch gone, exit 4' '
	test -e h/root/var/lib/wslbridge/target.xml &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" undo --yes 2>err &&
	test_grep "Windows: remove-switch" err && test_grep "wsl.exe --shutdown" err &&
	test ! -e "$(wslconfig h)" && test ! -e h/root/var/lib/wslbridge/target.xml &&
	test "$(switch_names h)" = "Default Switch|WSL (Hyper-V firewall)" &&
	{ WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" check >out || :; } &&
	test_grep "^Target nat" out && ! grep -q "repair" out && test_grep "remedy: restart WSL" out
'

test_expect_success 'setup keeps the user'"'"'s .wslconfig, byte for byte, apart from the keys' '
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- true &&
	printf "# mine\r\n[wsl2]\r\nmemory = 8GB   # half\r\n" >"$(wslconfig h2)" && cp "$(wslconfig h2)" orig &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" setup --yes --restart >out &&
	test_grep "^memory = 8GB   # half" "$(wslconfig h2)" &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" setup --yes >out && test_grep "Nothing to change" out &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" undo --yes &&
	test_cmp orig "$(wslconfig h2)"
'

test_expect_success 'vmware-broken: repair says what is broken, fixes it in order, converges' '
	rm -rf h3 && test_expect_code 4 env WINHOST_DIR=$PWD/h3 "$RUN" vmware-broken -- "$WB" repair --yes --restart >out &&
	test_grep "VMware Bridge Protocol is bound to Ethernet" out &&
	test_grep "the Hyper-V switch protocol is not bound to Ethernet" out &&
	test_grep "switch .WSL Bridge. is Internal, not External" out &&
	grep -n "unbind VMware\|bind the Hyper-V switch protocol\|bind the switch" out >order &&
	test "$(cut -d: -f1 order | tr "\n" " ")" = "$(cut -d: -f1 order | sort -n | tr "\n" " ")" &&
	WINHOST_DIR=$PWD/h3 "$RUN" vmware-broken -- "$WB" repair --yes >out && test_grep "Nothing to change" out &&
	WINHOST_DIR=$PWD/h3 "$RUN" vmware-broken -- "$WB" check >out && test_grep "21 of 21" out
'

test_expect_success 'switch-missing: repair creates the switch .wslconfig names, converges' '
	rm -rf h4 && test_expect_code 4 env WINHOST_DIR=$PWD/h4 "$RUN" switch-missing -- "$WB" repair --yes --restart >out &&
	test_grep "there is no switch named .LAN Bridge." out &&
	WINHOST_DIR=$PWD/h4 "$RUN" switch-missing -- "$WB" check >out && test_grep "21 of 21" out &&
	test_grep "^vmSwitch=LAN Bridge" "$(wslconfig h4)"
'

# refuse SCENARIO PATTERN [run options]: setup refuses, nothing changes.
refuse() {
	rm -rf hr && WINHOST_DIR=$PWD/hr "$RUN" ${3:-} "$1" -- true &&
	cp hr/state.xml win-before && { cp "$(wslconfig hr)" file-before 2>/dev/null || : >file-before; } &&
	test_expect_code 1 env WINHOST_DIR=$PWD/hr "$RUN" ${3:-} "$1" -- "$WB" setup --yes >out 2>err &&
	test_grep "$2" err &&
	test_cmp win-before hr/state.xml &&
	{ cp "$(wslconfig hr)" file-after 2>/dev/null || : >file-after; } && test_cmp file-before file-after &&
	WINHOST_DIR=$PWD/hr "$RUN" "$1" -- "$WB" undo --list >hist && test_grep "no changes recorded" hist
}

test_expect_success 'home-edition: a clear refusal naming the alternatives' '
	refuse home-edition "Home has no Hyper-V switches: upgrade to Pro" &&
	test_grep "^What works on this machine instead:" err &&
	test_grep "wslbridge setup --mode mirrored.: WSL shares" err && test_grep "wslbridge setup --mode nat" err
'
test_expect_success 'old-wsl: a clear refusal' '
	refuse old-wsl "WSL 2.5.4.0 has no bridged mode; WSL 2.0.0 to 2.5.3, 2.5.5 and later have it"
'
test_expect_success 'policy-override: a clear refusal' '
	refuse policy-override "HKLM.SOFTWARE.Policies.WSL sets the mode"
'
test_expect_success 'Windows 10: a clear refusal' '
	refuse win10-pro "use NAT and forward the ports" &&
	test_grep "What works on this machine instead:" err &&
	test_grep "wslbridge setup --mode nat" err && ! grep -q "mode mirrored" err
'
# B.6: Process.Start keeps the Win32 error 1223 of a declined prompt.
test_expect_success 'UAC declined: a clear refusal' '
	refuse fresh-pro "administrator (UAC) prompt was declined" "--uac deny" &&
	test_grep "nothing was changed on Windows" err
'
# A standard user can only cancel the credential prompt (assumed: 1223 too).
test_expect_success 'no way to elevate: a clear refusal' '
	refuse uac-none "declined or cancelled.*needs an administrator.s password"
'
test_expect_success 'duplicate switch names: explain and stop' '
	refuse duplicate-switches "2 switches are named .WSL Bridge.*--switch-id"
'

test_expect_success '--switch-id chooses one of the duplicates' '
	rm -rf h5 && WINHOST_DIR=$PWD/h5 "$RUN" duplicate-switches -- "$WB" setup --yes \
		--switch-id a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d >out 2>err;
	test $? = 0 && test_grep "Nothing to change" out
'

test_expect_success 'another external switch on the adapter is reused, with its name' '
	rm -rf h6 && WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- "$TOP/build/release/tests/tools/host-tool" apply \
		create-switch "name=Lab External" "adapter-guid={4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}" \
		allow-management-os=true >/dev/null &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- "$WB" setup --yes >out &&
	test_grep "external switch .Lab External. already owns Ethernet: it is reused" out &&
	test_grep "^vmSwitch=Lab External" "$(wslconfig h6)" &&
	test "$(launches h6 uac)" = 1
'

test_expect_success 'a bad --adapter or --switch is refused before anything' '
	test_expect_code 2 env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --adapter nosuch --yes 2>err &&
	test_grep "no adapter .nosuch." err &&
	test_grep "these would fit: Ethernet (Intel" err &&
	test_expect_code 2 "$RUN" vpn-anyconnect -- "$WB" setup --yes \
		--adapter "Ethernet 3" 2>err &&
	test_grep "cannot be bridged: it is a VPN.s adapter; these would fit: " err &&
	test_expect_code 2 "$WB" setup --switch "Caf$(printf "\303\251")" 2>err &&
	test_grep "non-ASCII" err
'

test_expect_success "--mac: WSL's own default, multicast, broadcast and zero MACs are refused before anything" '
	for m in 5e:bb:f6:9e:ee:fa 01:00:5e:00:00:fb ff:ff:ff:ff:ff:ff 00-00-00-00-00-00; do
		test_expect_code 2 "$WB" setup --mac $m --yes 2>err || return 1
		test_grep "$m is \(WSL.s own default MAC\|a multicast MAC\|the broadcast MAC\|the all-zero MAC\)" err || return 1
	done
'

test_expect_success "repair replaces WSL's default MAC in .wslconfig with one of this PC's own" '
	rm -rf hm && WINHOST_DIR=$PWD/hm "$RUN" bridged-no-dns -- true &&
	sed -i "s/^macAddress=.*/macAddress=5e:bb:f6:9e:ee:fa/" "$(wslconfig hm)" &&
	test_expect_code 3 env WINHOST_DIR=$PWD/hm "$RUN" bridged-no-dns -- "$WB" check >out &&
	test_grep "FAIL wsl2.macAddress is this PC.s own unicast MAC.*observed unfit (5e:bb:f6:9e:ee:fa is WSL.s own default MAC" out &&
	WINHOST_DIR=$PWD/hm "$RUN" bridged-no-dns -- "$WB" repair --dry-run >out &&
	test_grep "^       -macAddress=5e:bb:f6:9e:ee:fa" out && test_grep "^       +macAddress=[0-9a-f][26ae]:" out && ! grep -q "^       +macAddress=5e:bb:f6" out
'

test_expect_success "bridged-no-dns: check and repair name the cause and offer the boot hook's fix; it works, and goes again" '
	rm -rf hn && WINHOST_DIR=$PWD/hn "$RUN" bridged-no-dns -- true &&
	test_expect_code 1 env WINHOST_DIR=$PWD/hn "$RUN" bridged-no-dns -- "$WB" repair --yes >out 2>err &&
	test_grep "resolv.conf names no nameserver; this WSL, 2.7.11.0, is affected: .*d27b64883" err &&
	test_grep "sudo wslbridge vpn apply generic --mtu 1500 --dns 192.168.1.1. writes into resolv.conf" err &&
	cmd=$(sed -n "s/.*\(sudo wslbridge vpn apply [^\`]*\)\`.*/\1/p" err | head -n 1) &&
	test "$cmd" = "sudo wslbridge vpn apply generic --mtu 1500 --dns 192.168.1.1" &&
	WINHOST_DIR=$PWD/hn "$RUN" bridged-no-dns -- "$WB" ${cmd#sudo wslbridge } --yes >out 2>err &&
	test_grep "^nameserver 192.168.1.1$" hn/root/etc/resolv.conf &&
	test_grep "^generateResolvConf=false" hn/root/etc/wsl.conf &&
	test_grep "^RESOLV=static" hn/root/etc/wslbridge/boot-fixups.conf &&
	WINHOST_DIR=$PWD/hn "$RUN" bridged-no-dns -- "$WB" check >out &&
	test_grep "ok   resolv.conf names a DNS server" out &&
	WINHOST_DIR=$PWD/hn "$RUN" bridged-no-dns -- "$WB" vpn remove --yes >out 2>err &&
	test ! -e hn/root/etc/wslbridge/boot-fixups.conf
'

test_expect_success "bridged on a WSL that printed the withdrawn deprecation warning: told it no longer holds" '
	sed "s/version=\"2.7.11.0\"/version=\"2.5.3.0\"/" "$TOP/tests/winhost/scenarios/bridged-no-dns.xml" >dep.xml &&
	rm -rf hd && WINHOST_DIR=$PWD/hd test_expect_code 1 "$RUN" "$PWD/dep.xml" -- "$WB" setup --dry-run >out 2>err &&
	test_grep "WSL 2.5.3.0 prints a warning about bridged mode: .*that no longer holds: WSL kept bridged mode" err &&
	test_grep "microsoft/WSL#12743" err &&
	rm -rf hd && WINHOST_DIR=$PWD/hd test_expect_code 1 "$RUN" bridged-no-dns -- "$WB" setup --dry-run >out 2>err &&
	test_grep "resolv.conf names no nameserver; this WSL, 2.7.11.0, is affected" err &&
	! grep -q "no longer holds" err
'

test_expect_success 'a failed file write after the Windows step: journal and undo' '
	rm -rf h7 && WINHOST_DIR=$PWD/h7 "$RUN" fresh-pro -- true &&
	WSLBRIDGE_TEST_FAIL="rename:EIO@.wslconfig" test_expect_code 1 env WINHOST_DIR=$PWD/h7 \
		"$RUN" fresh-pro -- "$WB" setup --yes >out 2>err &&
	test_grep "could not write" err && test ! -e "$(wslconfig h7)" &&
	test_grep "state=\"failed\"" h7/root/var/lib/wslbridge/journal.xml &&
	test_grep "name=\".wslconfig\" state=\"failed\"" h7/root/var/lib/wslbridge/journal.xml &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h7 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>err &&
	test_grep "ended failed at step .\.wslconfig." err &&
	test_grep "^\[3/7\] Windows: nothing to change" out && test -e "$(wslconfig h7)"
'

test_done
