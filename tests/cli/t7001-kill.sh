#!/bin/sh
# Killed at every step boundary (SIGKILL: no cleanup runs) during setup on a
# fresh machine and repair of a VMware-broken one: each file is byte-identical
# to its old or its new version, and the next run removes the stale lock and
# converges to exactly what an uninterrupted run gives.
. "$(dirname "$0")/../lib.sh"

RUN=$TOP/tests/winhost/run
test_need_root
export WSLBRIDGE_LOCK_WAIT=5
# Every point against the release build; every 4th against the (slower)
# sanitizer build, which runs the same code.
case $WB in */asan/*) every=4 ;; *) every=1 ;; esac
cfg=root/mnt/c/Users/alice/.wslconfig

# snapshot DIR: the .wslconfig (or "absent") and the switch names and types.
snapshot() {
	{ cat "$1/$cfg" 2>/dev/null || echo absent; echo "--"
	  python3 -c "
import sys, xml.etree.ElementTree as ET
for s in ET.parse(sys.argv[1] + '/state.xml').getroot().iter('switch'):
    print(s.get('name'), s.get('type'))" "$1"; } 
}

# try SCENARIO VERB: every kill point of VERB; prints "tried N survived M".
try_all() {
	scen=$1 verb=$2
	rm -rf ref ref-st && env WINHOST_DIR=$PWD/ref WSLBRIDGE_STATE_DIR=$PWD/ref-st "$RUN" "$scen" -- true &&
	snapshot ref >old
	env WINHOST_DIR=$PWD/ref WSLBRIDGE_STATE_DIR=$PWD/ref-st WSLBRIDGE_TEST_KILL=0 \
		"$RUN" "$scen" -- "$WB" $verb --yes >/dev/null 2>points
	snapshot ref >new
	n=$(grep -c "^kill-point " points)
	[ "$n" -gt 10 ] || { echo "only $n kill points"; return 1; }
	tried=0 survived=0
	k=1
	while [ $k -le $n ]; do
		rm -rf h st && env WINHOST_DIR=$PWD/h "$RUN" "$scen" -- true
		env WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st WSLBRIDGE_TEST_KILL=$k \
			"$RUN" "$scen" -- "$WB" $verb --yes >/dev/null 2>&1
		tried=$((tried + 1)) ok=1
		# Right after the kill: the file is the old or the new one, whole.
		if ! cmp -s "h/$cfg" "ref/$cfg" && ! { [ ! -e "h/$cfg" ] && [ ! -e "ref-old-absent" ] && grep -q "^absent" old; } &&
			! { [ -e "h/$cfg" ] && sed -n "1,/^--\$/p" old | sed "\$d" | cmp -s - "h/$cfg"; }; then
			echo "kill point $k ($(sed -n "${k}p" points)): .wslconfig is neither old nor new"; ok=0
		fi
		# The next run converges to what an uninterrupted run gives.
		env WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/st "$RUN" "$scen" -- "$WB" $verb --yes >next 2>&1
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
			echo "kill point $k: the next run exited $rc:"; cat next; ok=0
		fi
		snapshot h >now
		cmp -s new now || { echo "kill point $k: the next run did not converge:"; diff new now; ok=0; }
		locks=$(find h st -name "*.wslbridge-lock")
		[ -z "$locks" ] || { echo "kill point $k: lock files left: $locks"; ok=0; }
		[ $ok = 1 ] && survived=$((survived + 1))
		k=$((k + every))
	done
	echo "tried $tried survived $survived"
	[ "$tried" = "$survived" ]
}

test_expect_success 'setup on fresh-pro killed at every step boundary' '
	try_all fresh-pro setup >report; rc=$?; cat report; tail -1 report >&3; exit $rc
' 3>"$TRASH/setup.points"
echo "# setup: $(cat "$TRASH/setup.points")"

test_expect_success 'repair of vmware-broken killed at every step boundary' '
	try_all vmware-broken repair >report; rc=$?; cat report; tail -1 report >&3; exit $rc
' 3>"$TRASH/repair.points"
echo "# repair: $(cat "$TRASH/repair.points")"

test_done
