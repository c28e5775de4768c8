# tests/lib.sh - shared prelude for the end-to-end tests (sourced).
#
#   test_expect_success "what it shows" 'commands'   one test; fails if any
#                                                     command in it fails
#   test_must_fail CMD...   CMD must exit non-zero (not by a signal, 126, 127)
#   test_expect_code N CMD  CMD must exit exactly N
#   test_cmp EXPECTED ACTUAL  byte-identical, else show a diff
#   test_done               prints "N passed, N failed" and sets the status
#
# Each script gets a fresh $TRASH directory, its own state dir, and $WB: the
# binary under test (WSLBRIDGE_BIN, e.g. the ASan build, or ./wslbridge).

set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WSLBRIDGE_BIN:-$TOP/wslbridge}
case $WB in /*) ;; *) WB=$TOP/$WB ;; esac
FIXTURES=$TOP/tests/fixtures
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/wb-test.XXXXXX")
trap 'rm -rf "$TRASH"' EXIT
export WSLBRIDGE_STATE_DIR="$TRASH/state" WSLBRIDGE_TEST_FSYNC=0 WSLBRIDGE_LOCK_WAIT=2
export WSLBRIDGE_DATADIR="$TOP/templates"	# also for the ASan binary in build/
unset WSLBRIDGE_ROOT WSLBRIDGE_WSLCONFIG WSLBRIDGE_TEST_FAIL
export NO_COLOR=1 LC_ALL=C
# The simulated host is Python, started several times a launch: from the
# interpreter's own folder, not through a version manager's shim (pyenv's
# costs about 0.3 s a start on a loaded machine). run-all finds it once.
if [ -z "${WB_PYDIR:-}" ]; then
	WB_PYDIR=$(python3 -c 'import os, sys; print(os.path.dirname(os.path.realpath(sys.executable)))' 2>/dev/null)
	export WB_PYDIR
fi
[ -x "$WB_PYDIR/python3" ] && PATH=$WB_PYDIR:$PATH
cd "$TRASH" || exit 1

test_count=0
test_failed=0

test_expect_success() {
	test_count=$((test_count + 1))
	if (set -e; eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
	fi
}

test_must_fail() {
	"$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ "$rc" -gt 128 ] || [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ]; then
		echo "test_must_fail: '$*' died with $rc" >&2
		return 1
	fi
	return 0
}

test_expect_code() {
	want=$1
	shift
	"$@"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "test_expect_code: '$*' exited $rc, wanted $want" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	if ! cmp -s "$1" "$2"; then
		echo "test_cmp: $1 and $2 differ:" >&2
		diff -u "$1" "$2" >&2 || true
		return 1
	fi
}

# grep that shows what it searched when it fails.
test_grep() {
	if ! grep -q -e "$1" "$2"; then
		echo "test_grep: '$1' not found in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}

# No history entry has been recorded (nothing was changed).
test_no_history() {
	"$WB" undo --list >"$TRASH/.hist" && test_grep "no changes recorded" "$TRASH/.hist"
}

test_done() {
	echo "# $(basename "$0"): $((test_count - test_failed)) passed, $test_failed failed"
	[ "$test_failed" -eq 0 ]
}

# Network namespaces (the simulator's eth0) need root; say so and skip.
test_have_root() {
	[ "$(id -u)" -eq 0 ] && command -v ip >/dev/null 2>&1
}

# The whole script needs root: without it, say so and stop (0 tests).
# The simulated Windows host runs the agent in real PowerShell: without it
# these tests are skipped (counted by tests/run-all), or fail under CI=true.
test_need_pwsh() {
	[ -x "$TOP/tests/.tools/pwsh/pwsh" ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "not ok 1 - PowerShell for the simulated Windows host (CI=true: required)"
		echo "# $(basename "$0" .sh): 0 passed, 1 failed"
		exit 1
	fi
	echo "# $(basename "$0" .sh): skipped $(grep -c '^test_expect_success' "$0") tests: no PowerShell; run tests/install-deps.sh (needs the .NET SDK)"
	exit 0
}

test_need_root() {
	test_have_root && return 0
	echo "# $(basename "$0" .sh): network namespaces need root and iproute2: skipped"
	test_done
	exit 0
}

# The prelude of a file against the simulated Windows host: PowerShell and
# root (its network namespace) or skipped; $RUN; the state dir per host
# folder (unset here); wslconfig HOST: that host's user's .wslconfig.
test_simulated_host() {
	test_need_pwsh
	RUN=$TOP/tests/winhost/run
	unset WSLBRIDGE_STATE_DIR
	test_need_root
}
wslconfig() { echo "$1/root/mnt/c/Users/alice/.wslconfig"; }

# variant NAME ATTR=VALUE...: a copy of simulated-host scenario NAME whose
# <sim> has these attributes (set or replaced); prints its path.
variant() {
	n=$1; shift
	python3 - "$TOP/tests/winhost/scenarios/$n.xml" "$PWD/$n-variant.xml" "$@" <<-\EOF_VARIANT
	import sys, xml.etree.ElementTree as ET
	tree = ET.parse(sys.argv[1])
	sim = tree.getroot().find("sim")
	for kv in sys.argv[3:]:
	    k, v = kv.split("=", 1)
	    sim.set(k, v.strip('"'))
	tree.write(sys.argv[2], encoding="utf-8", xml_declaration=True)
	EOF_VARIANT
	echo "$PWD/$n-variant.xml"
}

# wait_for_file FILE: poll (up to 60 s) until FILE exists.
wait_for_file() {
	n=0
	while [ ! -e "$1" ] && [ $n -lt 3000 ]; do sleep 0.02; n=$((n + 1)); done
	[ -e "$1" ]
}
