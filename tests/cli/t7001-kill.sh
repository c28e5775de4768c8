#!/bin/sh
# Killed at every step boundary of every verb that changes something: setup
# (bridged, mirrored, NAT), repair, vpn apply and remove, forward add, remove
# and sync, config set and unset, and undo itself; SIGKILL (no cleanup runs),
# and SIGINT and SIGTERM (the handlers run: they must say what was done and
# what to run next).  After each kill:
#   - every file is byte-identical to its old or its new version (the bytes
#     of any other version are counted as lost: must be 0);
#   - the next run converges to exactly what an uninterrupted run gives,
#     with no lock file left;
#   - from the same killed state, `undo` of the killed run's entry brings
#     back exactly the state before it (Windows included: a switch created
#     while its result was not yet recorded is found and removed).
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
test_need_root
export WSLBRIDGE_LOCK_WAIT=5
# make check samples (strides halved again when the suite grew past 15 min), to stay within its budget (each launch runs real
# PowerShell, about 2 s): the stride of each case below, against the release
# build (make check runs it only there); strides are odd, because points
# alternate "before rename" and "renamed".  KILL_EVERY=1 tries every point
# of every case (long: see README "Data safety" for the figures);
# KILL_ONLY='vpn*' only the cases whose verb matches.
FILES="root/mnt/c/Users/alice/.wslconfig root/etc/wsl.conf root/etc/wslbridge/boot-fixups.conf
root/usr/local/lib/wslbridge/boot-fixups root/etc/resolv.conf root/etc/wslbridge/forward-sync.conf
st/forwards"
CFG=root/mnt/c/Users/alice/.wslconfig

# snapshot HOST OUT: one file per thing a run may change: each file's bytes
# (or "absent", or where a symlink points), and the switches and metrics.
snapshot() {
	rm -rf "$2" && mkdir "$2" && i=0
	for f in $FILES; do
		i=$((i + 1))
		if [ -L "$1/$f" ]; then echo "-> $(readlink "$1/$f")"; elif [ -e "$1/$f" ]; then cat "$1/$f"; else echo absent; fi >"$2/$i"
	done
	python3 -c "
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1] + '/state.xml').getroot()
for s in r.iter('switch'): print('switch', s.get('name'), s.get('type'))
for a in r.iter('adapter'): print('adapter', a.get('name'), a.get('metric'))
for t in ('hyperv-firewall', 'portproxy', 'firewall-rules'):
    for e in r.iter(t):
        for x in e.iter('rule'): print(t, sorted(x.attrib.items()))" "$1" | sort >"$2/windows"
}

applied() { env WINHOST_DIR=$PWD/$1 WSLBRIDGE_STATE_DIR=$PWD/$1/st "$RUN" "$scen" -- "$WB" undo --list | grep -c " applied " || :; }
wb() { h=$1; shift; env WINHOST_DIR=$PWD/$h WSLBRIDGE_STATE_DIR=$PWD/$h/st "$RUN" "$scen" -- "$@"; }

# prep_* HOST: the state a case starts from (run in the folder it stays in:
# the history and the saved originals hold absolute paths).
prep_none() { :; }
prep_bridged() { wb "$1" "$WB" setup --yes >/dev/null 2>&1; [ $? = 4 ]; }
prep_vpn() { wb "$1" "$WB" vpn apply generic --mtu 1400 --dns 10.1.1.1 --yes >/dev/null 2>&1; }
prep_forward() { wb "$1" "$WB" forward add 8080 3000:3001 --yes >/dev/null 2>&1; }
# sync has work only for forwards that go straight to WSL's address (the relay off)
prep_moved() { wb "$1" "$WB" config set wsl2.localhostForwarding false >/dev/null 2>&1 && prep_forward "$1" &&
	WINHOST_DIR=$PWD/$1 "$RUN" --restart --nat-address 172.20.30.7/20 "$scen" -- true; }
prep_config() { wb "$1" "$WB" config set --file "$PWD/$1/$CFG" wsl2.memory 4GB >/dev/null 2>&1; }

# try_all SIGNAL STRIDE SCENARIO PREP VERB...: every STRIDE-th kill point of
# VERB; prints "tried N of M, survived S, bytes lost B".
try_all() {
	sig=$1 every=${KILL_EVERY:-$2} scen=$3 prep=$4
	shift 4
	rm -rf h && wb h true && $prep h || { echo "prep $prep failed"; return 1; }
	rm -rf base && mv h base && cp -a base h && snapshot h old
	wb h env WSLBRIDGE_TEST_KILL=0 "$WB" "$@" >/dev/null 2>points
	snapshot h new
	n=$(grep -c "^kill-point " points)
	[ "$n" -gt 3 ] || { echo "only $n kill points"; return 1; }
	# The first point moves by one a day (KILL_START=K to repeat a run), so
	# that make check's strides cover every point over the days.
	start=${KILL_START:-$(($(date +%s) / 86400 % every + 1))}
	[ "$start" -le "$n" ] || start=1
	tried=0 survived=0 lost=0 k=$start
	while [ $k -le $n ]; do
		rm -rf h && cp -a base h && before=$(applied h)
		wb h env WSLBRIDGE_TEST_KILL=$k WSLBRIDGE_TEST_SIGNAL=$sig "$WB" "$@" >/dev/null 2>killed
		tried=$((tried + 1)) ok=1 where="kill point $k ($(grep "^kill-point $k " points | cut -d" " -f3-), SIG$sig)"
		# Right after the kill: every file is the old or the new one, whole.
		snapshot h now
		for f in now/*; do
			b=$(basename "$f")
			cmp -s "$f" "old/$b" || cmp -s "$f" "new/$b" ||
			{ echo "$where: $b is neither old nor new"; ok=0; lost=$((lost + $(wc -c <"$f"))); }
		done
		left=$(applied h)
		# Ctrl-C and SIGTERM: what was done and what to run next, once recorded.
		if [ $sig != KILL ] && [ "$left" -gt "$before" ] && ! grep -q "^wslbridge: interrupted" killed; then
			echo "$where: no word on what was done:"; cat killed; ok=0
		fi
		# undo of what the killed run recorded gives the state before it.
		if [ "$1" != undo ] && [ "$left" -gt "$before" ]; then
			rm -rf killed-h && cp -a h killed-h
			wb h "$WB" undo --yes >undone 2>&1
			rc=$?
			[ $rc -eq 0 ] || [ $rc -eq 4 ] || { echo "$where: undo exited $rc:"; cat undone; ok=0; }
			snapshot h now
			# what Windows cannot take back (a switch bound in place) is said, and stays
			! grep -q "not undone: binding the existing switch" undone || cp old/windows now/windows
			# resolv.conf is outside the history on purpose: the boot hook (or
			# WSL) writes it at every start (README, vpn)
			cp old/5 now/5
			diff -r old now >/dev/null || { echo "$where: undo did not give the state before:"; diff -r old now; ok=0; }
			rm -rf h && mv killed-h h
		fi
		# The next run converges to what an uninterrupted run gives.
		wb h "$WB" "$@" >next 2>&1
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 4 ] && ! { [ "$1" = undo ] && grep -q "nothing to undo" next; }; then
			echo "$where: the next run exited $rc:"; cat next; ok=0
		fi
		snapshot h now
		diff -r new now >/dev/null || { echo "$where: the next run did not converge:"; diff -r new now; ok=0; }
		locks=$(find h -name "*.wslbridge-lock")
		[ -z "$locks" ] || { echo "$where: lock files left: $locks"; ok=0; }
		[ $ok = 1 ] && survived=$((survived + 1))
		k=$((k + every))
	done
	echo "tried $tried of $n from point $start, survived $survived, bytes lost $lost"
	[ "$tried" = "$survived" ] && [ "$lost" = 0 ]
}

# SIGNAL STRIDE SCENARIO PREP VERB...
while read -r sig stride scen prep verb; do
	[ -n "$sig" ] || continue
	# KILL_ONLY='forward*' (a shell pattern of the verb) runs only those cases
	case "$verb" in ${KILL_ONLY:-*}) ;; *) continue ;; esac
	t="$verb ($scen, SIG$sig)"
	test_expect_success "$t: killed at every step boundary" "
		try_all $sig $stride $scen $prep $verb --yes >report; rc=\$?; cat report; tail -1 report >&3; exit \$rc
	" 3>"$TRASH/summary"
	echo "# $t: $(cat "$TRASH/summary")"
done <<'EOF'
KILL 35 fresh-pro prep_none setup
KILL 35 vmware-broken prep_none repair
KILL 60 home-edition prep_none setup --mode mirrored --allow-port 8080,5353/udp
KILL 60 fresh-pro prep_bridged setup --mode nat
KILL 35 vpn-anyconnect prep_none vpn apply
KILL 35 fresh-pro prep_vpn vpn remove
KILL 35 win10-pro prep_none forward add 8080 3000:3001
KILL 35 win10-pro prep_forward forward remove --all
KILL 35 win10-pro prep_moved forward sync
KILL 23 fresh-pro prep_bridged undo
INT 35 fresh-pro prep_none setup
TERM 35 vpn-anyconnect prep_none vpn apply
INT 35 fresh-pro prep_vpn vpn remove
EOF

# config set/unset write one file with no Windows launch: every point, always.
case config in ${KILL_ONLY:-*}) ;; *) test_done; exit ;; esac
test_expect_success 'config set and unset: killed at every step boundary' '
	try_all KILL 1 fresh-pro prep_none config set --file "$PWD/h/$CFG" wsl2.memory 4GB >report &&
	tail -1 report >&3 && try_all TERM 1 fresh-pro prep_config config unset --file "$PWD/h/$CFG" wsl2.memory >report;
	rc=$?; cat report; tail -1 report >&3; exit $rc
' 3>"$TRASH/summary"
echo "# config set (SIGKILL), config unset (SIGTERM): $(tr "\n" ";" <"$TRASH/summary")"

test_done
