#!/bin/sh
# wslbridge forward through WSL's localhost relay: where the relay is on,
# rules listen on Windows' LAN addresses (or on another port) and connect to
# 127.0.0.1, so WSL's address can change with no Windows launch; where it is
# off or Windows' loopback port it needs is taken, the direct route of
# t8002.  Connections are followed by the simulator's model of the relay
# (tests/winhost/lan-connect), from a LAN client to a server in WSL.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
CONNECT=$TOP/tests/winhost/lan-connect
unset WSLBRIDGE_STATE_DIR
test_need_root

launches() { wc -l <"$1/launches.log"; }
rules() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
pp = ET.parse(sys.argv[1] + '/state.xml').getroot().find('host/portproxy')
for r in (pp if pp is not None else []):
    print('%s:%s -> %s:%s' % (r.get('listen-address'), r.get('listen-port'), r.get('connect-address'), r.get('connect-port')))" "$1"
}
fwd() { h=$1; shift; WINHOST_DIR=$PWD/$h "$RUN" win10-pro -- "$WB" forward "$@"; }
# add_rule HOST LISTEN PORT CONNECT CPORT: a rule someone made by hand.
add_rule() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1] + '/state.xml'); h = t.getroot().find('host')
pp = h.find('portproxy') if h.find('portproxy') is not None else ET.SubElement(h, 'portproxy')
ET.SubElement(pp, 'rule', {'listen-address': sys.argv[2], 'listen-port': sys.argv[3], 'connect-address': sys.argv[4], 'connect-port': sys.argv[5]})
t.write(sys.argv[1] + '/state.xml')" "$@"
}
fresh() { rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" win10-pro -- true; }

. "$TOP/tests/tools/forward-boot.sh"

# The simulator first: its relay must refuse what Windows would not carry.
test_expect_success 'the simulated relay: 127.0.0.1 reaches WSL only with the relay on, a server there and no rule on the port' '
	fresh s &&
	add_rule s 192.168.1.23 8080 127.0.0.1 8080 && add_rule s 0.0.0.0 8081 127.0.0.1 8081 &&
	"$CONNECT" s 192.168.1.23:8080 --guest 0.0.0.0:8080 >out && test_grep "relay on 127.0.0.1:8080" out &&
	"$CONNECT" s 192.168.1.23:8080 --guest 127.0.0.1:8080 >out &&
	test_expect_code 1 "$CONNECT" s 192.168.1.23:8080 --guest 172.20.20.5:8080 >out &&
	test_expect_code 1 "$CONNECT" s 192.168.1.23:8080 >out &&
	test_expect_code 1 "$CONNECT" s 192.168.1.37:8081 --guest 0.0.0.0:8081 >out && test_grep "the rules loop" out &&
	printf "[wsl2]\nlocalhostForwarding = false\n" >"$(wslconfig s)" &&
	test_expect_code 1 "$CONNECT" s 192.168.1.23:8080 --guest 0.0.0.0:8080 >out &&
	"$CONNECT" s 172.20.20.5:8080 --guest 0.0.0.0:8080 >out && test_grep "reaches WSL 172.20.20.5:8080" out
'

test_expect_success 'add: the relay route on the LAN addresses (same port) and on 0.0.0.0 (another port), said so' '
	fresh h &&
	fwd h add 8080 3000:3001 --yes >out &&
	rules h >got && cat >want <<-\EOF_ &&
	192.168.1.23:8080 -> 127.0.0.1:8080
	192.168.1.37:8080 -> 127.0.0.1:8080
	0.0.0.0:3000 -> 127.0.0.1:3001
	EOF_
	test_cmp want got &&
	test_grep "^  192.168.1.23:8080 -> WSL port 8080, through WSL.s localhost relay (127.0.0.1:8080): no new rule" out &&
	test_grep "^  0.0.0.0:3000 -> WSL port 3001, through WSL.s localhost relay (127.0.0.1:3001)" out &&
	! grep -q "WSL.s address can change when it restarts" out &&
	test_grep "^tcp 192.168.1.37 8080 8080 relay$" h/root/var/lib/wslbridge/forwards &&
	"$CONNECT" h 192.168.1.23:8080 --guest 0.0.0.0:8080 >c && test_grep "relay on 127.0.0.1:8080" c &&
	"$CONNECT" h 192.168.1.37:3000 --guest 127.0.0.1:3001 >c &&
	fwd h list >out && test_grep "^  192.168.1.23:8080 -> WSL port 8080 (through WSL.s localhost relay)  ok$" out
'

test_expect_success 'forwards survive an address change with no Windows launch' '
	WINHOST_DIR=$PWD/h "$RUN" --restart --nat-address 172.20.30.7/20 win10-pro -- true &&
	before=$(launches h) && boot h &&
	test_grep "^Forwards go through WSL.s localhost relay: nothing to sync (3 forwards)" h/root/var/log/wslbridge/boot.log &&
	test "$(launches h)" = "$before" &&
	"$CONNECT" h 192.168.1.23:8080 --guest 0.0.0.0:8080 && "$CONNECT" h 192.168.1.37:3000 --guest 0.0.0.0:3001 &&
	fwd h list >out && ! grep -v " ok$" out | grep "WSL port" &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" check nat >out && test_grep "ok   every port forward" out
'

test_expect_success 'the relay turned off later: list and check say so' '
	cp "$(wslconfig h)" lf.bak 2>/dev/null; printf "[wsl2]\nlocalhostForwarding=false\n" >"$(wslconfig h)" &&
	test_expect_code 3 fwd h list >out &&
	test_grep "192.168.1.23:8080 -> WSL port 8080 (through WSL.s localhost relay)  it goes through WSL.s localhost relay, which .wslconfig turns off" out &&
	test_expect_code 1 "$CONNECT" h 192.168.1.23:8080 --guest 0.0.0.0:8080 &&
	rm -f "$(wslconfig h)"
'

test_expect_success 'remove PORT takes its rule on every LAN address; undo brings them back' '
	fwd h remove 8080 --yes >out && rules h >got && ! grep -q ":8080 " got && test_grep "0.0.0.0:3000" got &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" undo --yes >out &&
	rules h >got && test_grep "192.168.1.37:8080 -> 127.0.0.1:8080" got
'

test_expect_success 'the same port on loopback clashes with the relay: the direct route, with the reason' '
	fresh l &&
	fwd l add 8443 --listen 127.0.0.1 --yes >out &&
	test_grep "^  127.0.0.1:8443 -> WSL port 8443, straight to WSL.s address: listening on 127.0.0.1:8443 would take 127.0.0.1:8443" out &&
	test_grep "WSL.s address can change when it restarts: the boot script runs .wslbridge forward sync" out &&
	rules l >got && echo "127.0.0.1:8443 -> 172.20.20.5:8443" >want && test_cmp want got &&
	"$CONNECT" l 127.0.0.1:8443 --guest 0.0.0.0:8443 >c && test_grep "> WSL 172.20.20.5:8443" c &&
	WINHOST_DIR=$PWD/l "$RUN" --restart --nat-address 172.20.30.7/20 win10-pro -- true &&
	test_expect_code 1 "$CONNECT" l 127.0.0.1:8443 --guest 0.0.0.0:8443 &&
	before=$(launches l) && boot l &&
	test_grep "^Forwards point at WSL 172.20.30.7 again" l/root/var/log/wslbridge/boot.log &&
	test "$(launches l)" -gt "$before" &&
	"$CONNECT" l 127.0.0.1:8443 --guest 0.0.0.0:8443
'

test_expect_success 'a rule on the loopback port the relay needs: the direct route, naming the rule' '
	fresh c && add_rule c 127.0.0.1 5001 10.9.9.9 80 &&
	fwd c add 5000:5001 --yes >out &&
	test_grep "straight to WSL.s address: portproxy 127.0.0.1:5001 holds 127.0.0.1:5001" out &&
	rules c >got && test_grep "0.0.0.0:5000 -> 172.20.20.5:5001" got &&
	"$CONNECT" c 192.168.1.23:5000 --guest 0.0.0.0:5001 >r && test_grep "> WSL 172.20.20.5:5001" r
'

test_expect_success 'two forwards that would hold each other'"'"'s relay port both go direct' '
	fresh d && fwd d add 6000:6001 6001:6000 --yes >out &&
	rules d >got && cat >want <<-\EOF_ &&
	0.0.0.0:6000 -> 172.20.20.5:6001
	0.0.0.0:6001 -> 172.20.20.5:6000
	EOF_
	test_cmp want got
'

test_expect_success 'localhostForwarding=false: the direct route, and the boot sync re-points it' '
	fresh n && printf "[wsl2]\nlocalhostForwarding=false\n" >"$(wslconfig n)" &&
	fwd n add 8080 --yes >out && test_grep "relay is off" out &&
	rules n >got && echo "0.0.0.0:8080 -> 172.20.20.5:8080" >want && test_cmp want got &&
	WINHOST_DIR=$PWD/n "$RUN" --restart --nat-address 172.20.30.7/20 win10-pro -- true &&
	test_expect_code 1 "$CONNECT" n 192.168.1.23:8080 --guest 0.0.0.0:8080 &&
	boot n && "$CONNECT" n 192.168.1.23:8080 --guest 0.0.0.0:8080
'

test_done
