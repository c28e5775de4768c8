#!/bin/sh
# wslbridge forward by the direct route (WSL's localhost relay turned off in
# .wslconfig; t8003 has the relay route): portproxy and firewall rules on the simulated Windows
# host, the boot hook (the boot command run exactly as WSL runs it, in the
# VM's network namespace), sync after WSL's NAT address changed, refusals
# (UDP, bad input, a foreign rule, non-root, mirrored mode), coexistence with
# `vpn apply`/`vpn remove`, remove and undo.
. "$(dirname "$0")/../lib.sh"
test_simulated_host

launches() { { grep "^from=$2" "$1/launches.log" 2>/dev/null || :; } | wc -l; }
# rules HOST: "portproxy LISTEN:PORT -> ADDR:PORT" and "firewall NAME" lines of the simulated host.
rules() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
h = ET.parse(sys.argv[1] + '/state.xml').getroot().find('host')
for r in (h.find('portproxy') if h.find('portproxy') is not None else []):
    print('portproxy %s:%s -> %s:%s' % (r.get('listen-address'), r.get('listen-port'), r.get('connect-address'), r.get('connect-port')))
for r in (h.find('firewall-rules') if h.find('firewall-rules') is not None else []):
    print('firewall', r.get('name'))" "$1"
}
fwd() { h=$1; shift; WINHOST_DIR=$PWD/$h "$RUN" win10-pro -- "$WB" forward "$@"; }

# A host whose wsl.conf runs a boot command of the user's, with WSL's localhost relay off.
host() {
	rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" win10-pro -- true &&
	printf "[wsl2]\nlocalhostForwarding=false\n" >"$1/root/mnt/c/Users/alice/.wslconfig" &&
	printf "# mine\n[boot]\ncommand = echo \"old boot ran\" > /var/tmp/old-boot-ran\n" >"$1/root/etc/wsl.conf" &&
	cp "$1/root/etc/wsl.conf" "$1.orig"
}

test_expect_success 'add: one observe, one apply with one UAC prompt; rules, boot hook, list ok' '
	host h &&
	fwd h add 8080 3000:3001 --yes >out &&
	test "$(launches h wsl)" = 2 && test "$(launches h uac)" = 1 &&
	test_grep "^  0.0.0.0:8080 -> WSL port 8080, straight to WSL.s address: WSL.s localhost relay is off" out &&
	test_grep "the boot script runs .wslbridge forward sync. at every start" out &&
	test_grep "^tcp 0.0.0.0 3000 3001 direct$" h/root/var/lib/wslbridge/forwards &&
	rules h >got && cat >want <<-\EOF_ &&
	portproxy 0.0.0.0:8080 -> 172.20.20.5:8080
	portproxy 0.0.0.0:3000 -> 172.20.20.5:3001
	firewall wslbridge-forward-tcp-0.0.0.0-8080
	firewall wslbridge-forward-tcp-0.0.0.0-3000
	EOF_
	test_cmp want got &&
	test_grep "^command = /usr/local/lib/wslbridge/boot-fixups$" h/root/etc/wsl.conf &&
	test_grep "^PREVIOUS_COMMAND=.echo old boot ran > /var/tmp/old-boot-ran.$" h/root/etc/wslbridge/boot-fixups.conf &&
	test "$(stat -c %U:%a h/root/usr/local/lib/wslbridge/boot-fixups)" = root:755 &&
	test_grep "^WSLBRIDGE=.$WB.$" h/root/etc/wslbridge/forward-sync.conf &&
	test_grep "netsh.exe \[\"interface\", \"portproxy\", \"add\", \"v4tov4\", \"listenport=8080\"" h/programs.log &&
	fwd h list >out && test_grep "^  0.0.0.0:3000 -> WSL port 3001  ok$" out &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" status >out &&
	test_grep "^  portproxy (NAT forwards): 2 rules$" out && test_grep "^    0.0.0.0:8080 -> 172.20.20.5:8080$" out &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" host-ip >ip && echo 172.20.16.1 >want && test_cmp want ip
'

test_expect_success 'add again: nothing to change, no prompt' '
	fwd h add 8080 --yes >out && test_grep "^Nothing to change" out && test "$(launches h uac)" = 1
'

# Rules that could not be read are not "no rules": nothing is planned from them.
test_expect_success 'the portproxy rules cannot be read: forward add refuses, nothing changed' '
	cp h/state.xml pp.xml && rules h >before &&
	sed -i "s|<sim |<sim fail=\"Get-ItemProperty:tcp\" |" h/state.xml &&
	{ fwd h add 9091 --yes >out 2>err; echo $? >rc; cp pp.xml h/state.xml; } &&
	test "$(cat rc)" = 1 &&
	test_grep "Windows. portproxy could not be read (permission denied: this Windows process is not elevated)" err &&
	rules h >after && test_cmp before after
'

# E.22: the rules exist, but with IP Helper stopped nothing listens.
test_expect_success 'the IP Helper service stopped: check fails with the fix, status says so' '
	cp h/state.xml ip-helper.xml && sed -i "s|<sim |<sim iphlpsvc=\"Stopped\" |" h/state.xml &&
	test_expect_code 3 env WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" check nat >out &&
	test_grep "FAIL the IP Helper service runs where port forwards need it" out &&
	test_grep "Start-Service iphlpsvc" out &&
	WINHOST_DIR=$PWD/h test_expect_code 3 "$RUN" win10-pro -- "$WB" status >out &&
	test_grep "2 rules; the IP Helper service that serves them is not running" out &&
	cp ip-helper.xml h/state.xml &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" check nat >out &&
	test_grep "ok   the IP Helper service runs" out
'

test_expect_success '--dry-run --json: add and remove plans follow plan.schema.json; nothing changes' '
	cp -r h hplan && rules h >before &&
	fwd h add 9090 --dry-run --json >add.json &&
	"$TOP/tests/tools/json-valid" "$TOP/templates/json/plan.schema.json" add.json &&
	fwd h add 8080 --dry-run --json >same.json &&
	"$TOP/tests/tools/json-valid" "$TOP/templates/json/plan.schema.json" same.json &&
	fwd h remove 3000 --dry-run --json >remove.json &&
	"$TOP/tests/tools/json-valid" "$TOP/templates/json/plan.schema.json" remove.json &&
	python3 - add.json same.json remove.json <<-\PY &&
	import json, sys
	add, same, rm = (json.load(open(f)) for f in sys.argv[1:])
	assert add["verb"] == "forward add" and add["pending"] and add["for"]["wsl_address"] == "172.20.20.5", add
	assert [a["type"] for a in add["windows"]["actions"]] == ["portproxy-set", "fwrule-add"], add["windows"]
	assert add["windows"]["actions"][0]["attrs"]["listen-port"] == "9090"
	(f,) = add["files"]
	assert f["path"].endswith("/forwards") and "+tcp 0.0.0.0 9090 9090" in f["diff"], f
	assert not same["pending"] and not same["windows"]["actions"] and not same["files"], same
	assert rm["verb"] == "forward remove" and [a["type"] for a in rm["windows"]["actions"]] == ["portproxy-delete", "fwrule-delete"], rm
	PY
	rules h >after && test_cmp before after && diff -r -x lock hplan/root h/root &&
	test_expect_code 2 fwd h add 9090 --json 2>err && test_grep "json goes with --dry-run" err
'

test_expect_success 'UDP is refused with what to do instead; bad input is a clear error; nothing changes' '
	cp h/state.xml before &&
	test_expect_code 2 fwd h add 5353/udp --yes 2>err &&
	test_grep "netsh portproxy forwards TCP only, so UDP cannot be forwarded in NAT mode" err &&
	test_grep "setup --mode mirrored --allow-port PORT/udp" err &&
	test_expect_code 2 fwd h add 5353 --udp --yes 2>err && test_grep "TCP only" err &&
	for bad in 0 70000 abc 80:0 8080/sctp "8080 --listen 1.2.3" "8080 --listen ::1"; do
		test_expect_code 2 fwd h add $bad --yes 2>err || { echo "for: $bad"; exit 1; }
	done &&
	test_expect_code 2 fwd h add --yes 2>err && test_grep "forward add needs HOSTPORT" err &&
	test_expect_code 2 fwd h move 8080 2>err && test_grep "unknown forward command .move.; did you mean .remove.?" err &&
	test_expect_code 2 fwd h remove --yes 2>err && test_grep "forward remove needs HOSTPORT (or --all)" err &&
	test_expect_code 2 fwd h list --bogus 2>err && test_grep "unknown option .--bogus. for forward" err &&
	test_cmp before h/state.xml
'

test_expect_success 'a portproxy rule wslbridge did not make is left alone' '
	python3 -c "
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]); pp = t.getroot().find(\"host/portproxy\")
ET.SubElement(pp, \"rule\", {\"listen-address\": \"0.0.0.0\", \"listen-port\": \"9000\", \"connect-address\": \"10.9.9.9\", \"connect-port\": \"80\"})
t.write(sys.argv[1])" h/state.xml &&
	cp h/state.xml before &&
	test_expect_code 1 fwd h add 9000 --yes 2>err &&
	test_grep "Windows already forwards 0.0.0.0:9000 (to 10.9.9.9:80) and wslbridge did not make that rule" err &&
	test_cmp before h/state.xml &&
	test_expect_code 1 fwd h remove 9000 --yes 2>err && test_grep "no forward on port 9000" err &&
	test_cmp before h/state.xml
'

test_expect_success 'not root: refused, nothing changed' '
	cp h/state.xml before && cp h/root/etc/wsl.conf wsl-before &&
	WINHOST_DIR=$PWD/h test_expect_code 1 "$RUN" win10-pro -- setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$WB" forward add 4000 --yes 2>err &&
	test_grep "needs root (it changes .*); nothing was changed" err && test_grep "^hint: run it again as .sudo wslbridge" err && test_cmp before h/state.xml && test_cmp wsl-before h/root/etc/wsl.conf &&
	chmod 755 "$PWD" h h/root h/root/var h/root/var/lib h/root/var/lib/wslbridge &&
	WINHOST_DIR=$PWD/h XDG_STATE_HOME=/nonexistent "$RUN" win10-pro -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$WB" forward list --offline >out &&
	test_grep "^  0.0.0.0:8080 -> WSL port 8080  (not checked: --offline)" out
'

. "$TOP/tests/tools/forward-boot.sh"

test_expect_success 'WSL restarts with a new address: list and check say so (exit 3)' '
	WINHOST_DIR=$PWD/h "$RUN" --restart --nat-address 172.20.30.7/20 win10-pro -- true &&
	test_expect_code 3 fwd h list >out 2>err &&
	test_grep "0.0.0.0:8080 -> WSL port 8080  points at 172.20.20.5:8080, WSL is at 172.20.30.7:8080" out &&
	test_grep "forward sync. points them at WSL again" err &&
	WINHOST_DIR=$PWD/h test_expect_code 3 "$RUN" win10-pro -- "$WB" check nat >out &&
	test_grep "FAIL every port forward" out
'

test_expect_success 'the boot command syncs them in the background, with one UAC prompt' '
	boot h &&
	test_grep "old boot ran" h/root/var/tmp/old-boot-ran &&
	test_grep "forward sync started in the background" h/root/var/log/wslbridge/boot.log &&
	test_grep "^Forwards point at WSL 172.20.30.7 again (2 changes)" h/root/var/log/wslbridge/boot.log &&
	test "$(launches h uac)" = 2 &&
	rules h >got && test_grep "portproxy 0.0.0.0:8080 -> 172.20.30.7:8080" got &&
	test_grep "portproxy 0.0.0.0:3000 -> 172.20.30.7:3001" got &&
	fwd h list >out
'

test_expect_success 'the next start with the same address: in sync, no prompt' '
	boot h &&
	test_grep "^Forwards are in sync: 2 forwards to WSL at 172.20.30.7" h/root/var/log/wslbridge/boot.log &&
	test "$(launches h uac)" = 2
'

test_expect_success 'sync by hand after another address change' '
	WINHOST_DIR=$PWD/h "$RUN" --restart --nat-address 172.20.25.9/20 win10-pro -- true &&
	fwd h sync --yes >out && test_grep "Forwards point at WSL 172.20.25.9 again" out &&
	fwd h list >out
'

test_expect_success 'vpn apply and remove keep the hook the forwards need' '
	cp h/root/etc/wsl.conf hooked &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" vpn apply generic --mtu 1400 --dns 10.1.1.1 --boot-only --yes >out &&
	test_grep "^MTU=1400" h/root/etc/wslbridge/boot-fixups.conf &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" vpn remove --yes >out &&
	test_grep "The boot script stays" out &&
	test_cmp hooked h/root/etc/wsl.conf && test -x h/root/usr/local/lib/wslbridge/boot-fixups &&
	test_grep "^MTU=$" h/root/etc/wslbridge/boot-fixups.conf &&
	test_grep "^PREVIOUS_COMMAND=.echo" h/root/etc/wslbridge/boot-fixups.conf &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" vpn remove --yes >out &&
	test_grep "Nothing to remove: no VPN fixes are applied" out
'

test_expect_success 'remove one, then undo it; remove all restores wsl.conf byte for byte' '
	fwd h remove 3000 --yes >out && test_grep "The other forwards stay" out &&
	rules h >got && ! grep -q 3000 got &&
	WINHOST_DIR=$PWD/h "$RUN" win10-pro -- "$WB" undo --yes >out &&
	rules h >got && test_grep "portproxy 0.0.0.0:3000 -> 172.20.25.9:3001" got &&
	test_grep "firewall wslbridge-forward-tcp-0.0.0.0-3000" got &&
	fwd h remove --all --yes >out &&
	test_grep "/etc/wsl.conf runs your own boot command again" out &&
	test -z "$(rules h | grep -v 9000)" &&
	test_cmp h.orig h/root/etc/wsl.conf &&
	test ! -e h/root/usr/local/lib/wslbridge/boot-fixups && test ! -e h/root/etc/wslbridge/forward-sync.conf &&
	fwd h list >out && test_grep "^No forwards" out
'

test_expect_success 'remove --all keeps what the user added to wsl.conf since, shown as a diff' '
	host h3 &&
	fwd h3 add 8081 --yes >/dev/null &&
	printf "[boot]\nsystemd=true\n[user]\ndefault=alice\n" >>h3/root/etc/wsl.conf &&
	fwd h3 remove --all --yes >out &&
	{ sed "s/\"//g" h3.orig && printf "[boot]\nsystemd=true\n[user]\ndefault=alice\n"; } >want &&
	test_cmp want h3/root/etc/wsl.conf &&
	test_grep "^       -command = /usr/local/lib/wslbridge/boot-fixups$" out &&
	test ! -e h3/root/usr/local/lib/wslbridge/boot-fixups
'

test_expect_success 'undo of an add takes the rules, the hook and wsl.conf back' '
	host h2 &&
	fwd h2 add 8443 --listen 127.0.0.1 --yes >out &&
	rules h2 >got && test_grep "portproxy 127.0.0.1:8443 -> 172.20.20.5:8443" got &&
	test_grep "netsh.exe.*localport=8443\", \"localip=127.0.0.1\"" h2/programs.log &&
	WINHOST_DIR=$PWD/h2 "$RUN" win10-pro -- "$WB" undo --yes >out &&
	test -z "$(rules h2)" && test_cmp h2.orig h2/root/etc/wsl.conf &&
	test ! -e h2/root/etc/wslbridge/forward-sync.conf
'

test_expect_success 'in mirrored mode a forward is refused with the reason' '
	rm -rf h3 && WINHOST_DIR=$PWD/h3 test_expect_code 4 "$RUN" home-edition -- "$WB" setup --mode mirrored --yes >out &&
	WINHOST_DIR=$PWD/h3 "$RUN" --restart home-edition -- true &&
	WINHOST_DIR=$PWD/h3 test_expect_code 1 "$RUN" home-edition -- "$WB" forward add 8080 --yes 2>err &&
	test_grep "WSL runs in mirrored mode: Windows and WSL share their ports, so no forward is needed" err &&
	test_grep "setup --mode mirrored --allow-port PORT" err
'

test_done
