#!/bin/sh
# `setup --try SECONDS` (issue 21, item 1): after the restart the boot hook
# keeps the new network only if it proves itself (address, default route,
# a DNS answer) and someone confirms within SECONDS; else it puts back the
# previous .wslconfig byte for byte, says so at the next shell start, and
# the next confirm (or setup, or undo) removes the switch through undo.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh
test_need_root

RUN=$TOP/tests/winhost/run
unset WSLBRIDGE_STATE_DIR	# root's: /var/lib/wslbridge under the simulated root
chmod 0755 "$TRASH"
result() { cat "$1/root/var/lib/wslbridge/try-result" 2>/dev/null; }
switch_names() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1] + '/state.xml').getroot()
print('|'.join(sorted(s.get('name') for s in r.iter('switch'))))" "$1"
}

# try HOST: a user's own .wslconfig (CRLF, a comment, no final newline), then setup --try 3.
try() {
	rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" fresh-pro -- true && chmod 0755 "$1" "$1/root" &&
	printf '# mine\r\n[wsl2]\r\nmemory=4GB  \r\nswap=0' >"$(wslconfig "$1")" &&
	cp "$(wslconfig "$1")" "$1.before" &&
	test_expect_code 4 env WINHOST_DIR=$PWD/$1 "$RUN" fresh-pro -- "$WB" setup --yes --try 3 >"$1.out" 2>&1 &&
	test_grep "has 3s to prove itself" "$1.out" &&
	test_grep "^networkingMode=bridged" "$(wslconfig "$1")" &&
	WINHOST_DIR=$PWD/$1 "$RUN" --restart fresh-pro -- true
}
# boot HOST DNS THEN: WSL starts (the boot command as WSL runs it, as root),
# with the LAN router answering DNS when DNS is "dns"; then THEN, and a wait
# until the waiter has decided.
boot() {
	cmd=$("$WB" config get --file "$PWD/$1/root/etc/wsl.conf" boot.command) &&
	WINHOST_DIR=$PWD/$1 "$RUN" fresh-pro -- sh -c '
		pid=
		if [ "$1" = dns ]; then
			ip netns exec "$(ip netns identify)r" python3 "$TOP/tests/tools/dns-answer.py" 192.168.1.1 &
			pid=$!
			sleep 0.5
		fi
		unshare -m sh "$TOP/tests/tools/boot-as-wsl.sh" "$2" sh -c "$3
			i=0
			until grep -qs \"state=[cr]\" \"\$WSLBRIDGE_ROOT/var/lib/wslbridge/try-result\" || [ \$i -gt 60 ]; do
				i=\$((i + 1)); sleep 0.25
			done
			sleep 1.2"
		rc=$?
		[ -z "$pid" ] || kill "$pid"
		exit $rc' - "$2" "$cmd" "$3"
}
# shell HOST: a login shell starts: the profile script runs.
shell() {
	WINHOST_DIR=$PWD/$1 "$RUN" fresh-pro -- unshare -m sh "$TOP/tests/tools/boot-as-wsl.sh" \
		"sh /etc/profile.d/wslbridge-try.sh"
}
export TOP

test_expect_success '--try needs root and a number of seconds' '
	test_expect_code 2 "$WB" setup --try 0 --dry-run 2>err && test_grep "from 1 to 3600" err &&
	mkdir -p s && chown 4242 s &&
	test_expect_code 2 setpriv --reuid=4242 --regid=4242 --clear-groups "$WB" --state-dir "$PWD/s" setup --try --dry-run 2>err &&
	test_grep "needs root" err
'

test_expect_success 'a confirm within the time keeps the change' '
	try h1 && test_grep "^TRY_SECONDS=3$" h1/root/etc/wslbridge/try.conf &&
	boot h1 dns "sleep 1; \"$WB\" confirm >\"$PWD/h1.confirm\" 2>&1" &&
	test_grep "^Confirmed" h1.confirm &&
	result h1 | grep "^state=confirmed$" &&
	test_grep "confirmed: the new network stays" h1/root/var/log/wslbridge/boot.log &&
	test_grep "^networkingMode=bridged" "$(wslconfig h1)" &&
	test ! -e h1/root/var/log/wslbridge/try-notice &&
	boot h1 dns "" && result h1 | grep "^state=confirmed$" &&
	test_grep "^networkingMode=bridged" "$(wslconfig h1)"
'

test_expect_success 'a silent user: nobody confirms, the previous .wslconfig comes back byte for byte' '
	try h2 && boot h2 dns "" &&
	result h2 | grep "^state=reverted$" && result h2 | grep "^reason=nobody confirmed within 3s$" &&
	test_cmp h2.before "$(wslconfig h2)" &&
	test_grep "reverted .wslconfig: nobody confirmed" h2/root/var/log/wslbridge/boot.log &&
	test "$(switch_names h2)" = "Default Switch|WSL (Hyper-V firewall)|WSL Bridge"
'

test_expect_success 'the shell-start notice says what happened and what to run, once' '
	shell h2 2>notice && test_grep "put the previous .wslconfig back: nobody confirmed within 3s" notice &&
	test_grep "wsl.exe --shutdown" notice && test_grep "sudo wslbridge confirm" notice &&
	shell h2 2>again && test ! -s again
'

test_expect_success 'a confirm after the revert: too late, and the switch goes through undo' '
	test_expect_code 1 env WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" confirm --yes >out 2>&1 &&
	test_grep "too late: the boot hook put the previous .wslconfig back" out &&
	test_grep "undone #" out &&
	test "$(switch_names h2)" = "Default Switch|WSL (Hyper-V firewall)" &&
	test_cmp h2.before "$(wslconfig h2)" &&
	test ! -e h2/root/etc/wslbridge/try.conf && test ! -e h2/root/etc/profile.d/wslbridge-try.sh &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" undo --list >list && test_grep "undone .*setup" list &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" confirm --yes 2>out &&
	test_grep "nothing to confirm" out
'

test_expect_success 'a dead network (no DNS answer): reverted, and why' '
	try h3 && boot h3 nodns "sleep 1; \"$WB\" confirm >\"$PWD/h3.confirm\" 2>&1 || :" &&
	test_grep "has not proven itself: no nameserver answered" h3.confirm &&
	result h3 | grep "^state=reverted$" &&
	result h3 | grep "^reason=the new network did not prove itself within 3s: no nameserver answered" &&
	test_cmp h3.before "$(wslconfig h3)"
'

test_expect_success 'a network that does not come up (no DHCP lease): reverted; the next setup removes the switch' '
	try h4 && python3 -c "
import sys, xml.etree.ElementTree as ET
p = sys.argv[1] + \"/state.xml\"; t = ET.parse(p)
e = t.getroot().find(\"linux\").find(\"eth0\")
for k in (\"address\", \"gateway\"): e.attrib.pop(k, None)
t.write(p)" h4 &&
	boot h4 dns "" &&
	result h4 | grep "^reason=the new network did not prove itself within 3s: eth0 has no IPv4 address" &&
	test_cmp h4.before "$(wslconfig h4)" &&
	{ WINHOST_DIR=$PWD/h4 "$RUN" fresh-pro -- "$WB" setup --yes --mode nat >out 2>&1 || :; } &&
	test_grep "now the rest of #" out && test "$(switch_names h4)" = "Default Switch|WSL (Hyper-V firewall)"
'

test_done
