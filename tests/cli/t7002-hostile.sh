#!/bin/sh
# Hostile switch and adapter names through setup, repair and status: the
# simulator flags any script text that is not the shipped agent and any
# command line it does not expect; the name must arrive on Windows byte for
# byte, WSL must read it back from .wslconfig exactly, and a name WSL cannot
# use is refused clearly with nothing changed.  Then two setups at once.
. "$(dirname "$0")/../lib.sh"
test_simulated_host
cfg=root/mnt/c/Users/alice/.wslconfig

# The names, one per file (a name may hold a newline).
mkdir names
i=0
for n in 'dq"uote' "it's" 'sub$(calc.exe)' 'back`tick`s' 'semi;colon' 'here'"'"'@' \
	' lead and trail ' '#hash;semi' 'a=b' '[section]' 'back\slash' 'pipe|amp&' "$(printf '%0255d' 7)"; do
	i=$((i + 1)); printf '%s' "$n" >names/$i
done
printf 'new\nline' >names/nl

# switch_has DIR FILE: exactly one switch on the simulated host is named as FILE holds.
switch_has() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
want = open(sys.argv[2], encoding='utf-8').read()
names = [s.get('name') for s in ET.parse(sys.argv[1] + '/state.xml').getroot().iter('switch')]
sys.exit(0 if names.count(want) == 1 else 1)" "$1" "$2"
}

# Every name through setup (its way into the request, onto Windows and into
# .wslconfig, byte for byte); the check after the restart, status and repair,
# which read it back and carry it the same way, for the names with quotes,
# $( ), backticks and a newline.
test_expect_success 'hostile switch names: setup, verify after restart, status, repair' '
	for f in names/*; do
		n=$(cat "$f"; echo x) && n=${n%x} && rm -rf h &&
		env WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st-$$ "$RUN" fresh-pro -- "$WB" setup --yes --switch "$n" >out 2>&1;
		rc=$? && rm -rf st-$$
		[ $rc = 4 ] || { echo "$f: setup exited $rc"; cat out; exit 1; }
		test ! -s h/flags.log || { echo "$f: flagged"; cat h/flags.log; exit 1; }
		switch_has h "$f" || { echo "$f: the switch name did not arrive byte for byte"; exit 1; }
		"$WB" config get --file "h/$cfg" wsl2.vmSwitch >got && printf "%s\n" "$n" >want &&
		test_cmp want got || exit 1
		case $f in names/1|names/2|names/3|names/4|names/nl) ;; *) continue ;; esac
		env WINHOST_DIR=$PWD/h "$RUN" --restart fresh-pro -- "$WB" check bridged --switch "$n" >out ||
		{ echo "$f: check after the restart failed"; cat out; exit 1; }
		env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" status >out 2>err ||
		{ echo "$f: status of a working bridge:"; cat err; exit 1; }
		env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" repair --yes --switch "$n" >out 2>&1 ||
		{ echo "$f: repair of a working bridge failed"; cat out; exit 1; }
		test ! -s h/flags.log || { echo "$f: flagged"; cat h/flags.log; exit 1; }
	done
'

test_expect_success 'a name WSL cannot read back is refused, nothing changed' '
	for n in "Brücke" ""; do
		rm -rf h &&
		test_must_fail env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --yes --switch "$n" >out 2>err &&
		test_grep "switch name" err && test ! -e "h/$cfg" && test ! -s h/flags.log ||
		{ echo "name [$n]:"; cat err; exit 1; }
	done
'

test_expect_success 'hostile adapter names: chosen, bridged, named in the plan, no injection' '
	for f in names/1 names/3 names/4 names/8 names/nl; do
		python3 -c "
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]); n = open(sys.argv[2], encoding=\"utf-8\").read()
for a in t.getroot().iter(\"adapter\"):
    if a.get(\"name\") == \"Ethernet\": a.set(\"name\", n)
t.write(\"scen.xml\", encoding=\"UTF-8\", xml_declaration=True)" "$TOP/tests/winhost/scenarios/fresh-pro.xml" "$f" &&
		rm -rf h && env WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st-a "$RUN" "$PWD/scen.xml" -- "$WB" setup --yes >out 2>&1;
		rc=$? && rm -rf st-a
		[ $rc = 4 ] || { echo "$f: setup exited $rc"; cat out; exit 1; }
		test ! -s h/flags.log || { echo "$f: flagged"; cat h/flags.log; exit 1; }
		# before the restart WSL still runs NAT: status says so and exits 3
		test_expect_code 3 env WINHOST_DIR=$PWD/h "$RUN" "$PWD/scen.xml" -- "$WB" status >out 2>err || exit 1
		test ! -s h/flags.log || { echo "$f: status flagged"; cat h/flags.log; exit 1; }
	done
'

test_expect_success 'two setups at once: one waits for the other, never interleaved' '
	rm -rf h stc
	env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true
	# The wait is long because a loaded CI machine (the suite runs files in
	# parallel) can take more than 30 s for one setup in real PowerShell.
	( env WSLBRIDGE_LOCK_WAIT=300 WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/stc "$RUN" --latency 400 fresh-pro -- "$WB" setup --yes >o1 2>e1 && r=0 || r=$?; echo $r >rc1 ) &
	( sleep 0.2; env WSLBRIDGE_LOCK_WAIT=300 WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/stc "$RUN" --latency 400 fresh-pro -- "$WB" setup --yes >o2 2>e2 && r=0 || r=$?; echo $r >rc2 ) &
	wait
	cat e1 e2 >e && { test "$(cat rc1) $(cat rc2)" = "4 4" || { echo "exit codes $(cat rc1) $(cat rc2)"; cat e; false; }; } &&
	test_grep "waiting for another wslbridge run (pid [0-9]*) to finish" e &&
	test "$(cat rc1) $(cat rc2)" = "4 4" &&
	test "$(cat o1 o2 | grep -c "^\[3/7\] Windows: 1 change made")" = 1 &&
	test "$(cat o1 o2 | grep -c "ready; WSL has not restarted into bridged mode yet")" = 1 &&
	test "$(grep -c "<switch " h/state.xml)" = 3 && test "$(grep -c "from=uac" h/launches.log)" = 1
'

test_expect_success 'two setups at once, a short wait: the second fails clearly, changes nothing' '
	rm -rf h std
	env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true
	( env WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/std "$RUN" --latency 1500 fresh-pro -- "$WB" setup --yes >o1 2>e1 && r=0 || r=$?; echo $r >rc1 ) &
	( sleep 0.5; env WSLBRIDGE_LOCK_WAIT=0.5 WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/std "$RUN" fresh-pro -- "$WB" setup --yes >o2 2>e2 && r=0 || r=$?; echo $r >rc2 ) &
	wait
	test "$(cat rc1) $(cat rc2)" = "4 1" &&
	test_grep "another wslbridge run (pid [0-9]*) is still changing things; nothing was changed" e2 &&
	test ! -s o2
'

# Hostile answers from Windows (issue 16, findings 5 and 6): what cmd.exe or
# the host agent says is data, checked before root writes anything from it.
# scen FILE SED: a copy of a scenario, edited.
scen() { sed "$2" "$TOP/tests/winhost/scenarios/$1.xml" >"$3"; }

test_expect_success 'a profile that climbs out of the drive, from cmd.exe: refused, nothing written' '
	scen fresh-pro "s|profile=\"C:\\\\Users\\\\alice\"|profile=\"C:\\\\..\\\\..\\\\etc\\\\cron.d\"|" trav.xml &&
	grep -q "cron.d" trav.xml &&
	rm -rf h && WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st-t "$RUN" "$PWD/trav.xml" -- "$WB" setup --yes >out 2>err;
	rc=$? && rm -rf st-t && test $rc = 1 &&
	test_grep "%USERPROFILE% \"C:.*cron.d\" is not a plain Windows path" err &&
	test -z "$(find h/root/etc -name .wslconfig)" && ! grep -q "from=uac" h/launches.log
'

test_expect_success 'the same profile in the agent'"'"'s response: refused, nothing written' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" status >/dev/null &&
	sed -i "s|profile=\"C:\\\\Users\\\\alice\"|profile=\"C:\\\\..\\\\..\\\\etc\\\\cron.d\"|" h/state.xml &&
	grep -q "cron.d" h/state.xml && mkdir -p h/root/etc/cron.d &&
	test_must_fail env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --yes >out 2>err &&
	test_grep "the user profile folder \"C:.*cron.d\" is not a plain Windows path" err &&
	test -z "$(ls -A h/root/etc/cron.d)" && ! grep -q "from=uac" h/launches.log
'

test_expect_success 'a newline in a DNS server or suffix never reaches resolv.conf or wsl.conf' '
	for edit in "s|server=\"10.20.0.53\"|server=\"10.20.0.53\&#10;nameserver 6.6.6.6\"|" \
		    "s|suffix name=\"corp.example.net\"|suffix name=\"corp.example.net\&#10;options ndots:15\"|" \
		    "s|dns-suffix=\"corp.example.net\"|dns-suffix=\"corp\&#10;nameserver 6.6.6.6\"|"; do
		scen vpn-globalprotect "$edit" dns.xml && ! cmp -s dns.xml "$TOP/tests/winhost/scenarios/vpn-globalprotect.xml" &&
		rm -rf h && WINHOST_DIR=$PWD/h "$RUN" "$PWD/dns.xml" -- true &&
		printf "# mine\n" >h/root/etc/wsl.conf && cp h/root/etc/wsl.conf wslconf.before &&
		cp h/root/etc/resolv.conf resolv.before && rm -f err &&
		WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st-d "$RUN" "$PWD/dns.xml" -- "$WB" vpn apply --dns static --yes >out 2>err;
		rc=$? && rm -rf st-d
		[ $rc = 1 ] && test_grep "DNS .*\\\\x0a.* is not" err &&
		test_cmp resolv.before h/root/etc/resolv.conf && test_cmp wslconf.before h/root/etc/wsl.conf ||
		{ echo "edit $edit: rc $rc"; cat out err; exit 1; }
	done
'

test_expect_success 'a target with a DOCTYPE (entity expansion) or of 5 MB: refused at once' '
	python3 -c "
big = \"x\" * 100000
open(\"doctype.xml\", \"w\").write(\"<?xml version=\\\"1.0\\\"?>\\n<!DOCTYPE target [<!ENTITY e \\\"%s\\\">]>\\n<target name=\\\"&e;\\\">%s</target>\\n\" % (big, \"&e;\" * 2000))
open(\"huge.xml\", \"w\").write(\"<target>\" + \"<!-- padding -->\" * 350000 + \"</target>\")" &&
	test_expect_code 2 "$WB" check "$PWD/doctype.xml" --offline >out 2>err ||
	test_must_fail "$WB" check "$PWD/doctype.xml" --offline >out 2>err &&
	test_grep "DOCTYPE" err &&
	test_must_fail "$WB" check "$PWD/huge.xml" --offline >out 2>err &&
	test_grep "larger than the 4 MiB" err
'

test_done
