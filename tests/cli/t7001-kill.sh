#!/bin/sh
# Killed at every step boundary (SIGKILL: no cleanup runs) during setup on a
# fresh machine, repair of a VMware-broken one, vpn apply for AnyConnect,
# forward add and setup of mirrored mode with Hyper-V firewall rules:
# each file is byte-identical to its old or its new version, and the next
# run removes the stale lock and converges to exactly what an uninterrupted
# run gives.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
test_need_root
export WSLBRIDGE_LOCK_WAIT=5
# make check samples, to stay within its budget now that every launch runs
# real PowerShell (about 2 s): every 7th point of setup, repair and vpn
# apply, every 11th of forward add, every 23rd of mirrored setup (the same
# engine as setup) against the release build (make check runs it only
# there); every 23rd (29th, 47th) when run by hand against the sanitizer build.  KILL_EVERY=1 tries every point (about 4.5 minutes).  Odd strides,
# because points alternate "before rename" and "renamed".
case $WB in */asan/*) stride=23 ;; *) stride=7 ;; esac
FILES="root/mnt/c/Users/alice/.wslconfig root/etc/wsl.conf root/etc/wslbridge/boot-fixups.conf
root/usr/local/lib/wslbridge/boot-fixups root/etc/resolv.conf root/etc/wslbridge/forward-sync.conf
st/forwards"

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
        for x in e.iter('rule'): print(t, sorted(x.attrib.items()))" "$1" >"$2/windows"
}

# try_all SCENARIO VERB...: every kill point of VERB; prints "tried N survived M".
try_all() {
	scen=$1
	shift
	rm -rf ref && env WINHOST_DIR=$PWD/ref "$RUN" "$scen" -- true && snapshot ref old
	env WINHOST_DIR=$PWD/ref WSLBRIDGE_STATE_DIR=$PWD/ref/st WSLBRIDGE_TEST_KILL=0 \
		"$RUN" "$scen" -- "$WB" "$@" --yes >/dev/null 2>points
	snapshot ref new
	n=$(grep -c "^kill-point " points)
	[ "$n" -gt 10 ] || { echo "only $n kill points"; return 1; }
	tried=0 survived=0 k=1 every=$stride
	case $* in forward*) every=$((stride == 7 ? 11 : 29)) ;; *--mode*) every=$((stride == 7 ? 23 : 47)) ;; esac
	every=${KILL_EVERY:-$every}	# KILL_EVERY=1: every point of every verb
	while [ $k -le $n ]; do
		rm -rf h && env WINHOST_DIR=$PWD/h "$RUN" "$scen" -- true
		env WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/h/st WSLBRIDGE_TEST_KILL=$k \
			"$RUN" "$scen" -- "$WB" "$@" --yes >/dev/null 2>&1
		tried=$((tried + 1)) ok=1
		# Right after the kill: every file is the old or the new one, whole.
		snapshot h now
		for f in now/*; do
			b=$(basename "$f")
			cmp -s "$f" "old/$b" || cmp -s "$f" "new/$b" ||
			{ echo "kill point $k ($(sed -n "${k}p" points)): $b is neither old nor new"; ok=0; }
		done
		# The next run converges to what an uninterrupted run gives.
		env WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/h/st "$RUN" "$scen" -- "$WB" "$@" --yes >next 2>&1
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
			echo "kill point $k: the next run exited $rc:"; cat next; ok=0
		fi
		snapshot h now
		diff -r new now >/dev/null || { echo "kill point $k: the next run did not converge:"; diff -r new now; ok=0; }
		locks=$(find h -name "*.wslbridge-lock")
		[ -z "$locks" ] || { echo "kill point $k: lock files left: $locks"; ok=0; }
		[ $ok = 1 ] && survived=$((survived + 1))
		k=$((k + every))
	done
	echo "tried $tried of $n, survived $survived"
	[ "$tried" = "$survived" ]
}

for t in "fresh-pro setup" "vmware-broken repair" "vpn-anyconnect vpn apply" "win10-pro forward add 8080 3000:3001" \
	"home-edition setup --mode mirrored --allow-port 8080,5353/udp"; do
	test_expect_success "$t: killed at every step boundary" "
		try_all $t >report; rc=\$?; cat report; tail -1 report >&3; exit \$rc
	" 3>"$TRASH/summary"
	echo "# $t: $(cat "$TRASH/summary")"
done

test_done
