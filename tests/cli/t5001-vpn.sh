#!/bin/sh
# wslbridge vpn: profiles, bad input, the boot command run exactly as WSL
# runs it (in a network namespace whose eth0 is a veth), idempotence, remove,
# the path-MTU probe through a 1400-byte hop, and the two VPN scenarios.
. "$(dirname "$0")/../lib.sh"
test_simulated_host

test_expect_success 'vpn list shows the twelve profiles' '
	"$WB" vpn list >out &&
	for p in anyconnect globalprotect forticlient pulse checkpoint zscaler openvpn wireguard \
		nordlynx warp mullvad generic; do
		test_grep "^$p " out || exit 1
	done
'

test_expect_success 'vpn detect names the VPN adapter' '
	"$RUN" vpn-globalprotect -- "$WB" vpn detect >out &&
	test_grep "^globalprotect: Ethernet 4 (PANGP Virtual Ethernet Adapter Secure), connected, MTU 1400" out
'

# A host with a user boot command in wsl.conf.
host() {
	rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" "$2" -- true &&
	printf "# mine\n[boot]\ncommand = echo \"old boot ran\" > /var/tmp/old-boot-ran\n" >"$1/root/etc/wsl.conf" &&
	cp "$1/root/etc/wsl.conf" "$1.orig"
}

test_expect_success 'bad input: a clear error, nothing changed' '
	host hb fresh-pro &&
	for bad in "apply nosuch" "apply --mtu 500" "apply --mtu 9001" "apply --mtu big" \
		"apply --dns 10.0.0.300" "apply --dns 1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4" \
		"apply --search bad_domain" "apply --search -x.com"; do
		WINHOST_DIR=$PWD/hb test_expect_code 2 "$RUN" fresh-pro -- "$WB" vpn $bad --yes 2>err ||
			{ echo "for: $bad"; exit 1; }
		test_cmp hb.orig hb/root/etc/wsl.conf || exit 1
	done &&
	WINHOST_DIR=$PWD/hb test_expect_code 2 "$RUN" fresh-pro -- "$WB" vpn apply nosuch --yes 2>err &&
	test_grep "no VPN profile .nosuch.; the profiles are: anyconnect, checkpoint" err &&
	WINHOST_DIR=$PWD/hb test_expect_code 1 "$RUN" fresh-pro -- setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$WB" vpn apply --mtu 1400 --dns 1.1.1.1 --yes 2>err &&
	test_grep "needs root (it changes .*); nothing was changed" err && test_grep "^hint: run it again as .sudo wslbridge" err && test_cmp hb.orig hb/root/etc/wsl.conf &&
	test ! -e hb/root/usr/local/lib/wslbridge/boot-fixups
'


# boot HOST SCENARIO [then...]: the boot command from the host's wsl.conf, as WSL reads it.
boot() {
	h=$1 s=$2
	shift 2
	cmd=$("$WB" config get --file "$PWD/$h/root/etc/wsl.conf" boot.command) &&
	WINHOST_DIR=$PWD/$h "$RUN" "$s" -- unshare -m sh "$TOP/tests/tools/boot-as-wsl.sh" "$cmd" "$@"
}

test_expect_success 'apply --boot-only, then the boot command sets MTU and resolv.conf' '
	host h1 fresh-pro &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" vpn apply generic --mtu 1400 \
		--dns 10.1.1.1,10.1.1.2 --search corp.example.com,example.org --boot-only --yes >out &&
	test "$(stat -c %U:%a h1/root/usr/local/lib/wslbridge/boot-fixups)" = root:755 &&
	test_grep "^command = /usr/local/lib/wslbridge/boot-fixups$" h1/root/etc/wsl.conf &&
	test_grep "^generateResolvConf = false$" h1/root/etc/wsl.conf &&
	boot h1 fresh-pro &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- sh -c "cat /sys/class/net/eth0/mtu" >mtu &&
	echo 1500 >want && test_cmp want mtu &&
	printf "nameserver 10.1.1.1\nnameserver 10.1.1.2\nsearch corp.example.com example.org\n" >want &&
	grep -v "^#" h1/root/etc/resolv.conf >got && test_cmp want got &&
	test_grep "old boot ran" h1/root/var/tmp/old-boot-ran &&
	test_grep "MTU of eth0 set to 1400" h1/root/var/log/wslbridge/boot.log
'

test_expect_success 'a change set goes on when a folder cannot be flushed: every file written, a warning' '
	host h9 fresh-pro &&
	WINHOST_DIR=$PWD/h9 WSLBRIDGE_TEST_FAIL="dirsync:EIO@/etc/" "$RUN" fresh-pro -- "$WB" vpn apply generic \
		--mtu 1400 --dns 10.1.1.1 --boot-only --yes >out 2>err &&
	test "$(grep -c "could not be flushed" err)" -ge 2 &&
	test_grep "^command = /usr/local/lib/wslbridge/boot-fixups$" h9/root/etc/wsl.conf &&
	test_grep "^MTU=1400" h9/root/etc/wslbridge/boot-fixups.conf &&
	test -x h9/root/usr/local/lib/wslbridge/boot-fixups
'

test_expect_success 'the MTU is really set in the namespace where the boot command runs' '
	boot h1 fresh-pro cat /sys/class/net/eth0/mtu >mtu &&
	echo 1400 >want && test_cmp want mtu
'

test_expect_success 're-applying is idempotent' '
	cp h1/root/etc/wsl.conf w1 && cp h1/root/etc/wslbridge/boot-fixups.conf c1 &&
	n=$(WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" undo --list | grep -c "^#") &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" vpn apply generic --mtu 1400 \
		--dns 10.1.1.1,10.1.1.2 --search corp.example.com,example.org --boot-only --yes >out &&
	test_grep "Nothing to change" out &&
	test_cmp w1 h1/root/etc/wsl.conf && test_cmp c1 h1/root/etc/wslbridge/boot-fixups.conf &&
	test "$(WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" undo --list | grep -c "^#")" = "$n"
'

test_expect_success 'remove restores wsl.conf byte for byte, and the resolv.conf link' '
	host h2 fresh-pro && ln -sf /mnt/wsl/resolv.conf h2/root/etc/resolv.conf &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" vpn apply generic --mtu 1400 --dns 10.1.1.1 --yes >out &&
	test ! -L h2/root/etc/resolv.conf && test_grep "nameserver 10.1.1.1" h2/root/etc/resolv.conf &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" vpn remove --yes >out &&
	test_cmp h2.orig h2/root/etc/wsl.conf &&
	test "$(readlink h2/root/etc/resolv.conf)" = /mnt/wsl/resolv.conf &&
	test ! -e h2/root/usr/local/lib/wslbridge/boot-fixups &&
	test ! -e h2/root/etc/wslbridge/boot-fixups.conf &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" vpn remove --yes >out &&
	test_grep "Nothing to remove" out
'

test_expect_success 'remove refuses when wsl.conf changed since, unless --force' '
	host h3 fresh-pro &&
	WINHOST_DIR=$PWD/h3 "$RUN" fresh-pro -- "$WB" vpn apply generic --mtu 1400 --dns 10.1.1.1 --yes >/dev/null &&
	printf "[boot]\ncommand=other\n" >h3/root/etc/wsl.conf && cp h3/root/etc/wsl.conf edited &&
	WINHOST_DIR=$PWD/h3 test_expect_code 1 "$RUN" fresh-pro -- "$WB" vpn remove --yes 2>err &&
	test_grep "changed since .vpn apply." err && test_cmp edited h3/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/h3 "$RUN" fresh-pro -- "$WB" vpn remove --yes --force >out &&
	test_cmp h3.orig h3/root/etc/wsl.conf
'

# The user's edits after `vpn apply`: remove takes out only what apply set.
test_expect_success 'remove keeps what the user added since (systemd, [user]) and shows the diff' '
	host h3e fresh-pro &&
	WINHOST_DIR=$PWD/h3e "$RUN" fresh-pro -- "$WB" vpn apply generic --mtu 1400 --dns 10.1.1.1 --yes >/dev/null &&
	printf "[boot]\nsystemd=true\n[user]\ndefault=alice\n" >>h3e/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/h3e "$RUN" fresh-pro -- "$WB" vpn remove --yes >out &&
	{ cat h3e.orig | sed "s/\"//g" && printf "[boot]\nsystemd=true\n[user]\ndefault=alice\n"; } >want &&
	test_cmp want h3e/root/etc/wsl.conf &&
	test_grep "^       -command = /usr/local/lib/wslbridge/boot-fixups$" out &&
	test_grep "^       -generateResolvConf = false$" out &&
	test_grep "^       +command = echo old boot ran" out &&
	test_grep "your other changes" out &&
	"$WB" config get --file "$PWD/h3e/root/etc/wsl.conf" boot.command >cmd &&
	echo "echo old boot ran > /var/tmp/old-boot-ran" >want && test_cmp want cmd &&
	test ! -e h3e/root/usr/local/lib/wslbridge/boot-fixups
'

test_expect_success 'a wsl.conf apply created goes on remove; what the user added to it since stays' '
	rm -rf h3n && WINHOST_DIR=$PWD/h3n "$RUN" fresh-pro -- true && rm -f h3n/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/h3n "$RUN" fresh-pro -- "$WB" vpn apply generic --mtu 1400 --dns 10.1.1.1 --yes >/dev/null &&
	WINHOST_DIR=$PWD/h3n "$RUN" fresh-pro -- "$WB" vpn remove --yes >out &&
	test ! -e h3n/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/h3n "$RUN" fresh-pro -- "$WB" vpn apply generic --mtu 1400 --dns 10.1.1.1 --yes >/dev/null &&
	printf "[automount]\nenabled=false\n" >>h3n/root/etc/wsl.conf &&
	WINHOST_DIR=$PWD/h3n "$RUN" fresh-pro -- "$WB" vpn remove --yes >out &&
	printf "[automount]\nenabled=false\n" >want && test_cmp want h3n/root/etc/wsl.conf
'

test_expect_success 'vpn-anyconnect end to end: profile, MTU 1300, tunneling, the metric' '
	host h4 vpn-anyconnect &&
	WINHOST_DIR=$PWD/h4 "$RUN" vpn-anyconnect -- "$WB" vpn apply --yes >out 2>err &&
	test_grep "VPN: anyconnect" err && test_grep "MTU 1300: the MTU of Ethernet 3" out &&
	test_grep "DNS tunneling" out && test_grep "reconnecting" out &&
	test "$(grep -c "^from=uac" h4/launches.log)" = 1 &&
	python3 -c "
import xml.etree.ElementTree as ET
a = [a for a in ET.parse(\"h4/state.xml\").getroot().iter(\"adapter\") if a.get(\"name\") == \"Ethernet 3\"][0]
assert a.get(\"metric\") == \"6000\", a.get(\"metric\")" &&
	WINHOST_DIR=$PWD/h4 "$RUN" vpn-anyconnect -- "$WB" check vpn --param mtu=1300 >out &&
	test_grep "expectations hold" out && ! grep -q FAIL out
'

metric_of() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
a = [a for a in ET.parse(sys.argv[1]).getroot().iter(\"adapter\") if a.get(\"name\") == \"Ethernet 3\"][0]
print(a.get(\"metric\"), a.get(\"automatic-metric\"))" "$1"
}

test_expect_success 'undo of vpn apply sets the metric back, in the same entry as the files' '
	host h4u vpn-anyconnect &&
	WINHOST_DIR=$PWD/h4u "$RUN" vpn-anyconnect -- "$WB" vpn apply --yes >/dev/null 2>&1 &&
	test "$(metric_of h4u/state.xml)" = "6000 0" &&
	WINHOST_DIR=$PWD/h4u "$RUN" vpn-anyconnect -- "$WB" undo --list >list &&
	test_grep "Windows: undo will set the VPN adapter.s interface metric back to" list && test_grep "/etc/wsl.conf" list &&
	WINHOST_DIR=$PWD/h4u "$RUN" vpn-anyconnect -- "$WB" undo --yes 2>err &&
	test "$(metric_of h4u/state.xml)" = "1 0" && test_cmp h4u.orig h4u/root/etc/wsl.conf
'

test_expect_success 'an automatic metric is not set to a number by undo: it says how to give it back' '
	host h4a vpn-anyconnect &&
	sed -i "/Ethernet 3/s/automatic-metric=\"0\"/automatic-metric=\"1\"/" h4a/state.xml &&
	test "$(metric_of h4a/state.xml)" = "1 1" &&
	WINHOST_DIR=$PWD/h4a "$RUN" vpn-anyconnect -- "$WB" vpn apply --yes >/dev/null 2>&1 &&
	WINHOST_DIR=$PWD/h4a "$RUN" vpn-anyconnect -- "$WB" undo --yes 2>err &&
	test_grep "not undone: the interface metric of Ethernet 3 was automatic" err &&
	test_grep "AutomaticMetric Enabled" err && test "$(metric_of h4a/state.xml)" = "6000 0" &&
	test_cmp h4a.orig h4a/root/etc/wsl.conf
'

test_expect_success 'vpn remove puts .wslconfig back where apply found it, without WSLBRIDGE_WSLCONFIG' '
	host h4r vpn-anyconnect &&
	printf "[wsl2]\r\ndnsTunneling=false\r\nmemory=4GB\r\n" >h4r/root/mnt/c/Users/alice/.wslconfig &&
	cp h4r/root/mnt/c/Users/alice/.wslconfig cfg.orig &&
	WINHOST_DIR=$PWD/h4r "$RUN" vpn-anyconnect -- "$WB" vpn apply --yes >/dev/null 2>&1 &&
	test_grep "dnsTunneling=true" h4r/root/mnt/c/Users/alice/.wslconfig &&
	WINHOST_DIR=$PWD/h4r "$RUN" vpn-anyconnect -- "$WB" vpn remove --yes >out 2>&1 &&
	test_cmp cfg.orig h4r/root/mnt/c/Users/alice/.wslconfig &&
	test_cmp h4r.orig h4r/root/etc/wsl.conf
'

test_expect_success 'vpn-globalprotect end to end: MTU 1400 now and at boot, no prompt' '
	host h5 vpn-globalprotect &&
	WINHOST_DIR=$PWD/h5 "$RUN" vpn-globalprotect -- "$WB" vpn apply --dns static --yes >out 2>err &&
	test_grep "MTU 1400" out && test_grep "nameserver 10.20.0.53" h5/root/etc/resolv.conf &&
	test_grep "search corp.example.net" h5/root/etc/resolv.conf &&
	! grep -q "^from=uac" h5/launches.log &&
	WINHOST_DIR=$PWD/h5 "$RUN" vpn-globalprotect -- "$WB" check vpn --param mtu=1400 \
		--param "dns=10\\.20\\.0\\.53" >out && ! grep -q FAIL out
'

test_expect_success 'DNS auto: static while Global Secure Access runs' '
	sed "s|<sim |<sim gsa=\"Running\" |" "$TOP/tests/winhost/scenarios/vpn-anyconnect.xml" >gsa.xml &&
	rm -rf h6 && WINHOST_DIR=$PWD/h6 "$RUN" "$PWD/gsa.xml" -- "$WB" vpn apply --yes >out 2>err &&
	test_grep "Global Secure Access runs" out &&
	test_grep "nameserver 10.10.0.10" h6/root/etc/resolv.conf
'

test_expect_success 'apply --dry-run (--json): the plan, nothing changed; the JSON follows plan.schema.json' '
	host hd vpn-anyconnect && cp -r hd hd.before &&
	WINHOST_DIR=$PWD/hd "$RUN" vpn-anyconnect -- "$WB" vpn apply --dry-run >out &&
	test_grep "^Plan for vpn apply (profile anyconnect" out && test_grep "nothing was changed" out &&
	WINHOST_DIR=$PWD/hd "$RUN" vpn-anyconnect -- "$WB" vpn apply --dry-run --json >plan.json &&
	"$TOP/tests/tools/json-valid" "$TOP/templates/json/plan.schema.json" plan.json &&
	python3 - plan.json <<-\PY &&
	import json, sys
	p = json.load(open(sys.argv[1]))
	assert p["verb"] == "vpn apply" and p["pending"] and p["for"]["profile"] == "anyconnect", p["for"]
	assert p["for"]["mtu"] == "1300", p["for"]
	assert [a["type"] for a in p["windows"]["actions"]] == ["set-metric"], p["windows"]
	paths = [f["path"].split("/root", 1)[1] for f in p["files"]]
	assert "/etc/wsl.conf" in paths and "/usr/local/lib/wslbridge/boot-fixups" in paths, paths
	PY
	diff -r hd.before/root/etc hd/root/etc && test ! -e hd/root/usr/local/lib/wslbridge/boot-fixups &&
	test ! -s hd/uac.log && ! grep -q "^from=uac" hd/launches.log &&
	test_expect_code 2 env WINHOST_DIR=$PWD/hd "$RUN" vpn-anyconnect -- "$WB" vpn apply --json 2>err &&
	test_grep "json goes with --dry-run" err
'

test_expect_success 'the path-MTU probe finds exactly 1400 through a 1400-byte hop' '
	n=wbp$$ &&
	ip netns add ${n}c && ip netns add ${n}r && ip netns add ${n}t &&
	trap "ip netns del ${n}c; ip netns del ${n}r; ip netns del ${n}t" EXIT &&
	ip link add eth0 netns ${n}c type veth peer name r0 netns ${n}r &&
	ip link add r1 netns ${n}r mtu 1400 type veth peer name t0 netns ${n}t mtu 1400 &&
	for ns in c r t; do ip -n $n$ns link set lo up; done &&
	ip -n ${n}c addr add 10.99.1.1/24 dev eth0 && ip -n ${n}c link set eth0 up &&
	ip -n ${n}r addr add 10.99.1.254/24 dev r0 && ip -n ${n}r link set r0 up &&
	ip -n ${n}r addr add 10.99.2.254/24 dev r1 && ip -n ${n}r link set r1 up &&
	ip -n ${n}t addr add 10.99.2.2/24 dev t0 && ip -n ${n}t link set t0 up &&
	ip -n ${n}c route add default via 10.99.1.254 && ip -n ${n}t route add default via 10.99.2.254 &&
	ip netns exec ${n}r sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec ${n}c "$WB" vpn probe 10.99.2.2 >out &&
	test_grep "^path MTU to 10.99.2.2: 1400 (" out &&
	ip netns exec ${n}c "$WB" vpn probe 10.99.1.254 >out &&
	test_grep "^path MTU to 10.99.1.254: 1500 (" out &&
	test_expect_code 1 ip netns exec ${n}c "$WB" vpn probe 10.99.3.3 2>err &&
	test_grep "not even 576 bytes" err
'

test_done
