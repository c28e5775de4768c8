#!/bin/sh
# The elevated run as an attacker on Windows sees it (issue 16, findings 3
# and 4): a process of the user swaps the staged agent or request while the
# UAC prompt is up (run --uac-hold makes the prompt wait), plants a module
# where the elevated powershell.exe would autoload it (B.10), sends values
# the agent must refuse, or plants symlinks in the staging folder before
# root writes there.  Each must fail with nothing run elevated and nothing
# changed.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh
test_need_root

RUN=$TOP/tests/winhost/run
TOOL=$TOP/build/release/tests/tools/host-tool
unset WSLBRIDGE_STATE_DIR
ETH='adapter-guid={4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}'
WIFI='adapter-guid={9B2F6E41-0D7A-4C3E-8F15-6A4D2C9E7B08}'
TEMPDIR=root/mnt/c/Users/alice/AppData/Local/Temp

# wait_for FILE: poll (up to 60 s) until FILE exists.
wait_for() {
	i=0 && while [ ! -e "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	test -e "$1"
}

# held_apply DIR ARGS...: host-tool apply ARGS in the background against a
# fresh fresh-pro host in DIR, its UAC prompt held at DIR.hold; returns once
# the prompt shows (the caller answers it with `touch DIR.hold/answer`).
held_apply() {
	d=$1 && shift && rm -rf "$d" "$d.hold" "$d.rc" && mkdir "$d.hold" || return 1
	( WINHOST_DIR=$PWD/$d "$RUN" --uac-hold "$PWD/$d.hold" fresh-pro -- "$TOOL" apply "$@" \
		>"$d.out" 2>&1; echo $? >"$d.rc" ) &
	wait_for "$d.hold/prompt" || { echo "no UAC prompt"; cat "$d.out"; return 1; }
}

# answer DIR: let the held prompt go (accepted) and wait for the run.
answer() {
	touch "$1.hold/answer" && wait_for "$1.rc"
	cat "$1.out"
}

# The code an attacker wants run elevated: it leaves its token's name.
cat >evil.ps1 <<EOF
[System.IO.File]::AppendAllText('$PWD/pwned', "agent ran: \$env:WINHOST_TOKEN\`n")
EOF

test_expect_success 'the agent swapped during the UAC prompt does not run elevated' '
	held_apply h1 create-switch "name=WSL Bridge" "$ETH" &&
	stage=$(ls -d h1/$TEMPDIR/wslbridge-*) &&
	cp evil.ps1 "$stage/host-agent.ps1" &&
	answer h1 >out &&
	test_grep "^error hash-mismatch" out &&
	test ! -e pwned &&
	! grep -q "<switch name=\"WSL Bridge\"" h1/state.xml &&
	test_grep "^from=uac elevated=yes" h1/launches.log
'

test_expect_success 'the elevated command line is the bootstrap alone, no script file' '
	grep "^from=uac" h1/launches.log >uac &&
	test_grep "\"-EncodedCommand\"\]" uac &&
	! grep -q "\-File" uac &&
	grep "(elevated)" h1/programs.log >cmd && test_grep "PSModulePath" cmd
'

test_expect_success 'the request swapped during the UAC prompt is refused whole' '
	held_apply h2 create-switch "name=WSL Bridge" "$ETH" &&
	stage=$(ls -d h2/$TEMPDIR/wslbridge-*) &&
	sed "s/WSL Bridge/Attacker/" "$stage/request.xml" >swapped &&
	cat swapped >"$stage/request.xml" &&
	answer h2 >out &&
	test_grep "^error hash-mismatch" out &&
	! grep -q "Attacker" h2/state.xml && ! grep -q "WSL Bridge" h2/state.xml
'

test_expect_success 'the unswapped run through the same hold creates the switch' '
	held_apply h3 create-switch "name=WSL Bridge" "$ETH" &&
	answer h3 >out &&
	test_grep "^result 1 ok" out &&
	test "$(grep -c "name=\"WSL Bridge\"" h3/state.xml)" = 1
'

test_expect_success 'a module planted in the user module folder loads, but never elevated (B.10)' '
	rm -rf h4 pwned && WINHOST_DIR=$PWD/h4 "$RUN" home-edition -- true &&
	m=h4/root/mnt/c/Users/alice/Documents/WindowsPowerShell/Modules/Hyper-V &&
	mkdir -p "$m" &&
	printf "%s\n" "[System.IO.File]::AppendAllText(\"$PWD/pwned\", \"module loaded: \$env:WINHOST_TOKEN\`n\")" \
		"function Get-VMSwitch { }" >"$m/Hyper-V.psm1" &&
	{ WINHOST_DIR=$PWD/h4 "$RUN" home-edition -- "$TOOL" observe >/dev/null 2>&1 || :; } &&
	test_grep "module loaded: filtered" pwned &&
	WINHOST_DIR=$PWD/h4 "$RUN" home-edition -- "$TOOL" apply set-metric "$ETH" metric=42 >out &&
	test_grep "^result 1 ok" out &&
	test_grep "^from=uac elevated=yes" h4/launches.log &&
	! grep -q "elevated" pwned
'

# refused_batch SPEC...: a valid set-metric, then the action SPEC; the agent
# must refuse the whole batch: no prompt, nothing changed.
refused_batch() {
	WINHOST_PROTOCOL=0 WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$TOOL" apply \
		set-metric "$ETH" metric=42 -- "$@" >out &&
	test_grep "^error bad-request" out && test_cmp before.xml h5/state.xml &&
	! grep -q "^from=uac" h5/launches.log || { echo "not refused: $*"; cat out; exit 1; }
}

test_expect_success 'bad values in a request: the agent refuses the batch before acting' '
	rm -rf h5 && WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- true && cp h5/state.xml before.xml &&
	for bad in metric=abc metric=10000 "metric=4 2" metric=-1; do
		refused_batch set-metric "$WIFI" "$bad"
	done &&
	for la in "0.0.0.0 listenport=22" "a\"b" "" "-x"; do
		refused_batch portproxy-set "listen-address=$la" listen-port=8080 connect-address=172.20.1.2 connect-port=80
	done &&
	for lp in 0 65536 08080 "80 x"; do
		refused_batch portproxy-set listen-address=0.0.0.0 "listen-port=$lp" connect-address=172.20.1.2 connect-port=80
	done &&
	refused_batch create-switch "name=$(printf "%0256d" 1)" "$ETH" &&
	refused_batch create-switch "name=" "$ETH" &&
	refused_batch create-switch name=x adapter-guid=4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31 &&
	refused_batch create-switch name=x "$ETH" allow-management-os=yes &&
	refused_batch remove-switch "switch-id=x'\'' or 1=1" &&
	refused_batch fwrule-delete "name=wslbridge-x'\'' OR ElementName LIKE '\''%" &&
	refused_batch fwrule-add name=wslbridge-a port=80 listen-address=999.1.1.1 &&
	refused_batch hvfw-allow name=other-rule display-name=x protocol=TCP port=80 &&
	refused_batch hvfw-allow name=wslbridge-a display-name=x protocol=ICMP port=80 &&
	refused_batch set-metric "$ETH" metric=5 extra=1 &&
	refused_batch set-metric metric=5
'

# The race of finding 4, made certain: strace holds every mkdir of the run
# for half a second after it returns, and a racing process plants symlinks to
# a root-only file under the names root is about to write in each new
# staging folder.  Without strace there is no way to win the race on time.
if command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true 2>/dev/null; then
	have_strace=1
else
	have_strace=
	echo "# skipping the staging race: no working strace (apt-get install strace)"
fi

cat >racer.py <<\EOF_
import os, sys, time
temp, target, stop = sys.argv[1], sys.argv[2], sys.argv[3]
seen = set()
open(stop + ".ready", "w").close()
while not os.path.exists(stop):
    for d in os.listdir(temp):
        if d.startswith("wslbridge-") and d not in seen:
            seen.add(d)
            for name in ("host-agent.ps1", "request.xml"):
                try:
                    os.symlink(target, os.path.join(temp, d, name))
                except OSError:
                    pass
            open(stop + ".planted", "a").write(d + "\n")
    time.sleep(0.005)
EOF_

test_expect_success 'symlinks planted in the staging folder redirect no root write' '
	test -n "$have_strace" || exit 0
	rm -rf h6 && WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- true &&
	printf "precious\n" >secret && chmod 600 secret && cp secret secret.orig &&
	{ python3 racer.py "h6/$TEMPDIR" "$PWD/secret" "$PWD/stop" & } &&
	wait_for stop.ready &&
	test_must_fail env WINHOST_DIR=$PWD/h6 ASAN_OPTIONS=detect_leaks=0 "$RUN" fresh-pro -- \
		strace -f -qq -o /dev/null -e trace=/^mkdir -e inject=/^mkdir:delay_exit=500000 "$WB" status >out 2>err
	touch stop && wait &&
	test -s stop.planted &&
	test_grep "could not write to the staging folder .*: File exists (something else put a file there first" err &&
	test_cmp secret.orig secret
'

test_done
