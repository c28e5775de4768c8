#!/bin/sh
# Mutation test of the host agent (tests/mutate/run): with one statement of
# its observe path or its create-switch action made a no-op, some output of
# status or setup must change, for at least 80% of the mutants.  This is the
# proof that the simulated host runs the agent rather than imitating it.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh
test_need_root
unset WSLBRIDGE_STATE_DIR

test_expect_success 'at least 12 mutants of the agent, at least 80% of them noticed' '
	{ "$TOP/tests/mutate/run" "$PWD/mut" >out 2>&1; rc=$?; cat out; test $rc = 0; } &&
	n=$(grep -c "^killed: \|^survived: " out) && test "$n" -ge 12 &&
	pct=$(sed -n "s/^killed [0-9]* of [0-9]* (\([0-9]*\)%)$/\1/p" out) &&
	test "$pct" -ge 80
'

test_done
