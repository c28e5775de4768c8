#!/bin/sh
# config set and lint stay linear and near their budgets (issue 23), as
# bench-edit measures them (in memory, this process's CPU time).
#
# Only a gross regression may fail here: CI is a loaded 2-core machine, on
# which the same build's figures move by up to 2x from run to run.  So a
# figure fails at 4 times its budget, and the edit's time per MB at 10 MB
# at 4 times that at 1 MB (a quadratic edit gives about 10); and a failing
# run is measured once more, failing the test only if it fails again.
# The budgets themselves are for `make bench` on an idle machine.
. "$(dirname "$0")/../lib.sh"

BENCH=$TOP/build/release/tests/bench/bench-edit
MARGIN=4

# check FILE: the budget and ratio lines of bench-edit's output in FILE,
# each that is too far off on stderr; 1 if any is (or none is there).
check() {
	awk -v m="$MARGIN" '
	$1 == "budget" && NF == 5 {
		n++
		if ($3 + 0 > m * $4) { print "budget " $2 ": " $3 " > " m " x " $4; bad++ }
	}
	$1 == "ratio" && NF == 3 {
		n++
		if ($3 + 0 > m) { print "ratio " $2 ": " $3 " > " m; bad++ }
	}
	END { if (n != 4) { print "expected 3 budget lines and 1 ratio line, got " n + 0; bad++ }
	      exit bad > 0 }' "$1" >&2
}

if [ "${WB#"$TOP"/build/asan/}" != "$WB" ]; then
	# The bench is the release build's: once, in the release pass, is enough.
	test_done
	exit
fi

test_expect_success 'the check notices a figure far over its budget, a non-linear edit, a missing line' '
	printf "budget a 10.00 15 ok\nbudget b 49.00 50 ok\nbudget c 999.00 1000 ok\nratio r 1.40\n" >good &&
	check good &&
	sed "s/^budget a 10.00/budget a 61.00/" good >slow && test_must_fail check slow &&
	sed "s/^ratio r 1.40/ratio r 9.80/" good >quadratic && test_must_fail check quadratic &&
	sed "/^budget c/d" good >short && test_must_fail check short
'

test_expect_success 'config set and lint: within 4x of each budget, the edit linear (measured twice if need be)' '
	test -x "$BENCH" || { echo "no $BENCH: make DEVELOPER=1 $BENCH" >&2; false; } &&
	"$BENCH" >run1 &&
	if ! check run1 2>why1; then
		cat why1 >&2 && echo "once more:" >&2 &&
		"$BENCH" >run2 && check run2
	fi
'

test_done
