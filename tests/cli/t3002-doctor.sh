#!/bin/sh
# wslbridge doctor against real components in network namespaces: dnsmasq
# answering, slow, refusing, hung and dead; a router with a 1400-byte hop
# that reports "fragmentation needed" and then, with nftables, drops it (a
# black hole); a proxy on loopback; the JSON report against its schema; and
# Windows' view from the one observe launch.  No packet leaves the namespaces.
. "$(dirname "$0")/../lib.sh"
test_need_root
for tool in dnsmasq nft; do
	command -v $tool >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v $tool >/dev/null 2>&1 || { echo "# t3002-doctor: no $tool: run tests/install-deps.sh"; exit 1; }
done
RUN=$TOP/tests/winhost/run
SCHEMA=$TOP/templates/json/doctor.schema.json

# C is "WSL" (eth0, its default route via the router R); R forwards to S
# through a 1400-byte hop; S holds the nameservers and the endpoint:
#   .53 dnsmasq that answers   .54 dnsmasq with no upstream (REFUSED)
#   .55 dnsmasq stopped (hung) .56 dnsmasq stopped, resumed after 1.5 s
#   .57 nothing listens (dead) .80 a TCP listener on port 80
n=wbd$$
C=${n}c R=${n}r S=${n}s
pids=
cleanup() {
	for p in $pids; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for ns in $C $R $S; do ip netns del $ns 2>/dev/null; done
	rm -rf "$TRASH"
}
trap cleanup EXIT
ip netns add $C && ip netns add $R && ip netns add $S &&
ip link add eth0 netns $C type veth peer name r0 netns $R &&
ip link add r1 netns $R mtu 1400 type veth peer name s0 netns $S mtu 1400 &&
for ns in $C $R $S; do ip -n $ns link set lo up; done &&
ip -n $C addr add 10.97.1.2/24 dev eth0 && ip -n $C link set eth0 up &&
ip -n $R addr add 10.97.1.1/24 dev r0 && ip -n $R link set r0 up &&
ip -n $R addr add 10.97.2.1/24 dev r1 && ip -n $R link set r1 up &&
for a in 53 54 55 56 57 80; do ip -n $S addr add 10.97.2.$a/24 dev s0 || exit 1; done &&
ip -n $S link set s0 up &&
ip -n $C route add default via 10.97.1.1 && ip -n $S route add default via 10.97.2.1 &&
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1 || { echo "not ok 1 - the namespaces"; exit 1; }

# dnsmasq ADDR [OPTIONS]: a real nameserver on ADDR in S; its pid in $last.
dnsmasq_on() {
	a=$1
	shift
	ip netns exec $S dnsmasq -k -u root --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces \
		--listen-address=$a --except-interface=lo --pid-file= "$@" 2>>"$TRASH/dnsmasq.log" &
	last=$!
	pids="$pids $last"
}
dnsmasq_on 10.97.2.53 --address=/www.example.test/10.97.2.80 --address=/www.example.test/fd00::80 \
	--local=/corp.test/
dnsmasq_on 10.97.2.54
dnsmasq_on 10.97.2.55 --address=/www.example.test/10.97.2.80
hung=$last
dnsmasq_on 10.97.2.56 --address=/www.example.test/10.97.2.80 --address=/www.example.test/fd00::80
slow=$last
ip netns exec $S python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.97.2.80", 80)); s.listen(64); time.sleep(3600)' &
pids="$pids $!"
# wait until each listens (dnsmasq answers a question; the endpoint accepts)
for i in $(seq 50); do
	ip netns exec $C "$WB" --root "$TRASH" doctor --offline --name www.example.test --timeout 200 \
		--endpoint 10.97.2.80:80 >/dev/null 2>&1
	[ -s "$TRASH/dnsmasq.log" ] && break
	ip netns exec $S ss -lnu | grep -q 10.97.2.56:53 && ip netns exec $S ss -lnt | grep -q 10.97.2.80:80 && break
	sleep 0.1
done
kill -STOP $hung $slow

# A WSL root: the kernel says Microsoft, interop is on, resolv.conf as given.
root() {
	rm -rf root && mkdir -p root/etc root/proc/sys/fs/binfmt_misc &&
	echo "Linux version 6.6.87.2-microsoft-standard-WSL2 (root@x) #1 SMP" >root/proc/version &&
	echo enabled >root/proc/sys/fs/binfmt_misc/WSLInterop &&
	printf "%s\n" "$@" >root/etc/resolv.conf
}
doctor() {
	ip netns exec $C "$WB" --root "$PWD/root" doctor --offline --name www.example.test \
		--endpoint 10.97.2.80:80 "$@"
}

test_expect_success 'all well: every check passes, exit 0, the path MTU found with the router saying so' '
	root "nameserver 10.97.2.53" "search corp.test" &&
	doctor >out &&
	test_grep "^  ok   nameserver 10.97.2.53 (resolv.conf): answering: A www.example.test in [0-9]* ms (1 answer); AAAA www.example.test in [0-9]* ms (1 answer); A www.corp.test in [0-9]* ms (NXDOMAIN)$" out &&
	test_grep "^  ok   default gateway 10.97.1.1: answers ping in" out &&
	test_grep "^  ok   Windows host 10.97.1.1 (host-ip): answers ping" out &&
	test_grep "^  ok   internet endpoint 10.97.2.80:80: TCP connection to 10.97.2.80 opened in" out &&
	test_grep "^  ok   path MTU to 10.97.2.80: 1400, below eth0.s 1500, and a router says so (fragmentation needed: 1400)" out &&
	test_grep "^  ok   interop: Windows programs can be started" out &&
	test_grep "^  skip .wslconfig: not located without Windows (--offline)" out &&
	test_grep "^8 of 8 checks pass (1 skipped)$" out && ! grep -q remedy out
'

test_expect_success 'refusing, hung, slow and dead nameservers, each with its verdict and a remedy; exit 3' '
	root "nameserver 10.97.2.54" "nameserver 10.97.2.55" "nameserver 10.97.2.56" || exit 1
	(sleep 1.5; kill -CONT $slow) &
	resume=$!
	test_expect_code 3 doctor --timeout 3000 >out &&
	wait $resume && kill -STOP $slow &&
	test_grep "^  FAIL nameserver 10.97.2.54 (resolv.conf): refusing: A www.example.test in [0-9]* ms (REFUSED); AAAA www.example.test in [0-9]* ms (REFUSED)$" out &&
	test_grep "^  FAIL nameserver 10.97.2.55 (resolv.conf): silent: A www.example.test no reply in 3000 ms; AAAA www.example.test no reply in 3000 ms$" out &&
	test_grep "^  FAIL nameserver 10.97.2.56 (resolv.conf): slow: A www.example.test in 1[0-9][0-9][0-9] ms (1 answer); AAAA www.example.test in 1[0-9][0-9][0-9] ms (1 answer)$" out &&
	test "$(grep -c "^       remedy: wslbridge vpn apply generic --dns tunnel$" out)" = 3 &&
	test_grep "^7 of 10 checks pass (1 skipped); 3 fail$" out &&
	root "nameserver 10.97.2.57" &&
	test_expect_code 3 doctor >out &&
	test_grep "^  FAIL nameserver 10.97.2.57 (resolv.conf): refusing: A www.example.test unreachable (Connection refused)" out
'

test_expect_success "bridged mode and no nameserver: WSL's DHCP regression named, not DNS tunnelling" '
	root "# Generated by dhcpcd from eth0.dhcp" && mkdir -p root/usr/bin &&
	printf "#!/bin/sh\necho bridged\n" >root/usr/bin/wslinfo && chmod 755 root/usr/bin/wslinfo &&
	test_expect_code 3 doctor >out &&
	test_grep "^  FAIL nameservers: .*resolv.conf names no nameserver; the WSL version is not known: if it is affected, that is the cause: .*WSL 2.7.1 and later; microsoft/WSL d27b64883" out &&
	! grep -q -- "--dns tunnel" out &&
	rm -r root/usr
'

test_expect_success 'DNS tunnelling: its address is asked too; when it is the one that fails, the remedy leaves it' '
	root "nameserver 10.97.2.53" &&
	printf "[wsl2]\ndnsTunneling=true\n[experimental]\ndnsTunnelingIpAddress=10.97.2.55\n" >wslconfig &&
	WSLBRIDGE_WSLCONFIG=$PWD/wslconfig test_expect_code 3 doctor --timeout 500 >out &&
	test_grep "^  ok   nameserver 10.97.2.53 (resolv.conf): answering" out &&
	test_grep "^  FAIL nameserver 10.97.2.55 (DNS tunnelling, not in resolv.conf): silent" out &&
	test_grep "^       remedy: wslbridge vpn apply generic --dns static$" out &&
	test_grep "^  ok   .wslconfig $PWD/wslconfig: WSL reads it all" out
'

test_expect_success 'a suffix that does not answer: the remedy keeps the suffixes that do' '
	root "nameserver 10.97.2.56" "search example.test corp.test" &&
	kill -CONT $slow &&
	test_expect_code 3 doctor --name www.example.test --timeout 500 >out; rc=$?
	kill -STOP $slow &&
	test $rc = 0 &&
	test_grep "^  FAIL nameserver 10.97.2.56 (resolv.conf): refusing: .*A www.corp.test in [0-9]* ms (REFUSED)" out &&
	test_grep "^       remedy: wslbridge vpn apply generic --dns static --search example.test$" out
'

test_expect_success 'a router that drops "fragmentation needed": a black hole, and the MTU to set' '
	root "nameserver 10.97.2.53" &&
	ip netns exec $R nft add table inet wbtest &&
	ip netns exec $R nft "add chain inet wbtest out { type filter hook output priority 0; }" &&
	ip netns exec $R nft add rule inet wbtest out icmp type destination-unreachable icmp code frag-needed drop &&
	test_expect_code 3 doctor >out; rc=$?
	ip netns exec $R nft delete table inet wbtest && test $rc = 0 &&
	test_grep "^  FAIL path MTU to 10.97.2.80: a black hole: packets over 1400 bytes vanish without \"fragmentation needed\" (eth0.s MTU is 1500)$" out &&
	test_grep "^       remedy: wslbridge vpn apply generic --mtu 1400$" out
'

test_expect_success 'a proxy on loopback that listens passes; one that does not fails, the remedy as autoProxy is' '
	root "nameserver 10.97.2.53" &&
	ip netns exec $C python3 -c "import socket, time
s = socket.socket(); s.bind((\"127.0.0.1\", 3128)); s.listen(8); open(\"listening\", \"w\").close(); time.sleep(60)" &
	proxy=$! && pids="$pids $proxy" &&
	for i in $(seq 50); do test -e listening && break; sleep 0.1; done &&
	http_proxy=http://127.0.0.1:3128/ HTTPS_PROXY=http://user:pw@127.0.0.1:3129 test_expect_code 3 doctor >out &&
	test_grep "^  ok   http_proxy=http://127.0.0.1:3128/: the proxy accepts a connection in" out &&
	test_grep "^  FAIL HTTPS_PROXY=http://user:pw@127.0.0.1:3129: the proxy does not accept a connection: Connection refused" out &&
	test_grep "^       remedy: wslbridge config set wsl2.autoProxy false$" out &&
	printf "[wsl2]\nautoProxy=false\n" >wslconfig &&
	WSLBRIDGE_WSLCONFIG=$PWD/wslconfig HTTPS_PROXY=http://127.0.0.1:3129 test_expect_code 3 doctor >out &&
	test_grep "^       remedy: unset HTTPS_PROXY (or correct it)$" out &&
	kill $proxy
'

test_expect_success 'config: interop turned off and a line WSL ignores, each with its remedy' '
	root "nameserver 10.97.2.53" &&
	printf "[interop]\nenabled=false\n[network]\nhostname = bad_name!\nnot a line\n" >root/etc/wsl.conf &&
	echo 0 >root/proc/sys/fs/binfmt_misc/WSLInterop &&
	test_expect_code 3 doctor >out &&
	test_grep "^  FAIL interop: interop is turned off in /etc/wsl.conf" out &&
	test_grep "^       remedy: wslbridge config unset interop.enabled$" out &&
	test_grep "^  FAIL wsl.conf $PWD/root/etc/wsl.conf: [0-9]* finding.* WSL ignores or fails on; line [0-9]*: " out &&
	test_grep "^       remedy: wslbridge config lint --kind wslconf$" out
'

test_expect_success '--json: the report follows templates/json/doctor.schema.json, with each query' '
	root "nameserver 10.97.2.53" "nameserver 10.97.2.54" "search corp.test" &&
	test_expect_code 3 doctor --json >out.json &&
	"$TOP/tests/tools/json-valid" "$SCHEMA" out.json &&
	python3 - out.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["verdict"] == "broken" and d["offline"] is True, d
	dns = [c for c in d["checks"] if c["id"] == "dns.server"]
	assert [c["dns"]["verdict"] for c in dns] == ["answering", "refusing"], dns
	assert [q["rcode"] for q in dns[1]["dns"]["queries"]] == ["REFUSED"] * 3, dns[1]
	assert dns[0]["dns"]["queries"][0]["answers"] == 1
	assert dns[1]["remedy"] == "wslbridge vpn apply generic --dns tunnel"
	PY
	root "nameserver 10.97.2.53" && doctor --json >ok.json &&
	"$TOP/tests/tools/json-valid" "$SCHEMA" ok.json && grep -q "\"verdict\": \"ok\"" ok.json &&
	sed "s/\"pass\"/\"passed\"/" ok.json >bad.json && test_must_fail "$TOP/tests/tools/json-valid" "$SCHEMA" bad.json
'

test_expect_success 'anyone can run it: as nobody, what needs root is skipped, not failed' '
	root "nameserver 10.97.2.53" && chmod -R a+rX root && chmod 755 "$TRASH" &&
	ip netns exec $C sysctl -qw net.ipv4.ping_group_range="1 0" && mkdir -m 777 nobody &&
	cp "$WB" ./wslbridge-copy && chmod 755 wslbridge-copy &&
	ip netns exec $C setpriv --reuid=65534 --regid=65534 --clear-groups env WSLBRIDGE_STATE_DIR=$PWD/nobody \
		./wslbridge-copy --root "$PWD/root" doctor --offline --name www.example.test --endpoint 10.97.2.80:80 >out &&
	test_grep "^  skip default gateway 10.97.1.1: this user may not ping" out &&
	test_grep "^  skip path MTU to 10.97.2.80: the don.t-fragment probe needs a raw socket: run doctor as root" out &&
	test_grep "^  ok   internet endpoint 10.97.2.80:80" out
'

test_expect_success 'bad options: exit 2 and why' '
	test_expect_code 2 "$WB" doctor --endpoint nowhere 2>err && test_grep "HOST:PORT" err &&
	test_expect_code 2 "$WB" doctor --endpoint host:70000 2>err &&
	test_expect_code 2 "$WB" doctor --timeout 5 2>err && test_grep "100 to 60000" err &&
	test_expect_code 2 "$WB" doctor extra 2>err && test_grep "takes no arguments" err
'

test_expect_success 'with Windows: its view from exactly one launch; --offline makes none' '
	test -x "$TOP/tests/.tools/pwsh/pwsh" || { echo "no PowerShell: skipped"; exit 0; }
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" vpn-anyconnect -- "$WB" doctor --timeout 300 \
		--endpoint 127.0.0.1:9 >out; rc=$?
	test $rc = 3 &&
	test "$(grep -c "^from=wsl" h/launches.log)" = 1 &&
	test_grep "^  ok   VPN .*Cisco AnyConnect" out &&
	test_grep "^  ok   Windows. default route: through " out &&
	test_grep "^  ok   .wslconfig " out &&
	rm h/launches.log &&
	WINHOST_DIR=$PWD/h "$RUN" vpn-anyconnect -- "$WB" doctor --offline --timeout 300 \
		--endpoint 127.0.0.1:9 >out; test $? = 3 && test ! -e h/launches.log &&
	! grep -q "^Windows" out
'

test_done
