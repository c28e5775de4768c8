#!/bin/sh
# Concurrency and failing writes: never a mix of two writers, never a
# half-written file, never a lock file left behind.
. "$(dirname "$0")/../lib.sh"

printf '[wsl2]\nmemory=8GB\n' >.wslconfig
cp .wslconfig orig

# hold_lock SECONDS: another process holds the global lock for SECONDS;
# returns once it is held (a fixed sleep is a race on a loaded machine).
hold_lock() {
	mkdir -p "$WSLBRIDGE_STATE_DIR" && rm -f held &&
	{ flock "$WSLBRIDGE_STATE_DIR/lock" sh -c "touch held; sleep $1" & } &&
	i=0 && while [ ! -e held ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	test -e held
}

test_expect_success 'a run waits for the global lock, then fails clearly' '
	hold_lock 3 &&
	WSLBRIDGE_LOCK_WAIT=0.5 test_expect_code 1 "$WB" config set --file .wslconfig wsl2.swap 0 2>err &&
	test_grep "another wslbridge run" err &&
	test_cmp orig .wslconfig &&
	wait
'

test_expect_success 'a run that waits long enough goes through' '
	hold_lock 1 &&
	WSLBRIDGE_LOCK_WAIT=5 "$WB" config set --file .wslconfig wsl2.swap 0 2>err &&
	test_grep "waiting for another wslbridge run" err &&
	"$WB" config get --file .wslconfig wsl2.swap &&
	wait && "$WB" -q undo --yes && test_cmp orig .wslconfig
'

test_expect_success 'dispatch takes the lock for undo and setup, not for undo --list or status' '
	hold_lock 3 &&
	WSLBRIDGE_LOCK_WAIT=0.3 test_expect_code 1 "$WB" undo --yes 2>err &&
	test_grep "another wslbridge run" err &&
	WSLBRIDGE_LOCK_WAIT=0.3 test_expect_code 1 "$WB" setup --dry-run 2>err &&
	test_grep "another wslbridge run" err &&
	WSLBRIDGE_LOCK_WAIT=0.3 "$WB" undo --list >out 2>err &&
	! grep -q "another wslbridge run" err && test_grep "^#" out &&
	wait
'

# Each writer waits for the lock as long as it takes here: this is about lost
# updates, and 16 sanitizer processes on a busy machine take more than the
# 2 s lib.sh allows (a test runs in its own subshell).
test_expect_success 'concurrent writers of different keys: no update is lost' '
	export WSLBRIDGE_LOCK_WAIT=120 &&
	for i in 1 2 3 4 5 6 7 8; do
		"$WB" -q config set --file .wslconfig wsl2.processors $i &
		"$WB" -q config set --file .wslconfig wsl2.kernelCommandLine "k$i" &
	done &&
	wait &&
	"$WB" config get --file .wslconfig wsl2.processors &&
	"$WB" config get --file .wslconfig wsl2.kernelCommandLine &&
	test "$("$WB" undo --list | grep -c applied)" = 16
'

test_expect_success 'a stale lock file next to the config is reported with a remedy' '
	cp .wslconfig before &&
	: >.wslconfig.wslbridge-lock &&
	WSLBRIDGE_LOCK_WAIT=0 test_expect_code 1 "$WB" config set --file .wslconfig wsl2.swap 1 2>err &&
	test_grep "is locked by another writer" err &&
	test_grep "remove .*wslconfig.wslbridge-lock" err &&
	test_cmp before .wslconfig &&
	rm .wslconfig.wslbridge-lock
'

test_expect_success 'every failing write step leaves the file as it was' '
	cp .wslconfig before &&
	n=$("$WB" undo --list | grep -c "^#") &&
	for op in open write fsync close rename; do
		for err in EIO ENOSPC EPERM; do
			WSLBRIDGE_TEST_FAIL="$op:$err@.wslconfig" \
				test_expect_code 1 "$WB" config set --file .wslconfig wsl2.swap 3 2>err || exit 1
			test_grep "it was left as it was\|nothing was changed" err || exit 1
			test_cmp before .wslconfig || exit 1
			! ls .wslconfig.wslbridge-lock 2>/dev/null || exit 1
		done
	done &&
	test "$("$WB" undo --list | grep -c "^#")" = "$n"
'

test_expect_success 'a failing backup write changes nothing' '
	cp .wslconfig before &&
	WSLBRIDGE_TEST_FAIL="write:ENOSPC@history" \
		test_expect_code 1 "$WB" config set --file .wslconfig wsl2.swap 3 2>err &&
	test_grep "could not save history" err &&
	test_cmp before .wslconfig
'

test_expect_success 'after the rename only durability is in doubt: a warning' '
	WSLBRIDGE_TEST_FAIL="dirsync:EIO@.wslconfig" "$WB" config set --file .wslconfig wsl2.swap 4 2>err &&
	test_grep "could not be flushed" err &&
	"$WB" config get --file .wslconfig wsl2.swap
'

test_done
