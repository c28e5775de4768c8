#!/bin/sh
# What people see: the interactive setup in a real terminal (tmux), colours
# and symbols only there, the status diagram, --verbose timings, runs.log.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
test_need_root

. "$TOP/tests/lib-terminal.sh"	# in_terminal, wait_for, terminals_done

test_expect_success 'interactive setup: plan, one question, answer y, progress' '
	in_terminal "WINHOST_DIR=$TRASH/h WSLBRIDGE_STATE_DIR=$TRASH/st $RUN fresh-pro -- $WB setup" &&
	wait_for "Apply this plan? [y/N]" &&
	test_grep "create the external switch .WSL Bridge. on Ethernet" pane &&
	test_grep "+networkingMode=bridged" pane &&
	! grep -F "[1/7]" pane &&
	$TM send-keys -t wb y Enter &&
	wait_for "EXIT=" &&
	test_grep "\[3/7\] Windows: 1 change made" pane &&
	test_grep "\[6/7\] restart: needed" pane &&
	test_grep "^EXIT=4" pane &&
	test_grep "^networkingMode=bridged" h/root/mnt/c/Users/alice/.wslconfig
'

test_expect_success 'interactive setup: answering no changes nothing and exits 1' '
	rm -rf h2 &&
	in_terminal "WINHOST_DIR=$TRASH/h2 WSLBRIDGE_STATE_DIR=$TRASH/st2 $RUN fresh-pro -- $WB setup" &&
	wait_for "Apply this plan? [y/N]" &&
	$TM send-keys -t wb n Enter && wait_for "EXIT=" &&
	test_grep "^EXIT=1" pane &&
	test ! -e h2/root/mnt/c/Users/alice/.wslconfig
'

test_expect_success 'check in a terminal: colour and symbols; piped: plain words' '
	in_terminal "WINHOST_DIR=$TRASH/h3 WSLBRIDGE_STATE_DIR=$TRASH/st3 $RUN vmware-broken -- $WB check bridged" &&
	wait_for "EXIT=" && $TM capture-pane -p -e -J -S -200 -t wb >raw &&
	grep -q "$(printf "\033\\[31m")" raw && grep -q "✘" raw && grep -q "✔" raw &&
	test_expect_code 3 env WINHOST_DIR=$PWD/h3 WSLBRIDGE_STATE_DIR=$PWD/st3 "$RUN" vmware-broken -- "$WB" check bridged >out &&
	! grep -q "$(printf "\033")" out && test_grep "^  FAIL " out && test_grep "^  ok  " out
'

test_expect_success 'NO_COLOR in a terminal: no escapes, no symbols' '
	in_terminal "NO_COLOR=1 WINHOST_DIR=$TRASH/h3 WSLBRIDGE_STATE_DIR=$TRASH/st3 $RUN vmware-broken -- $WB check bridged" &&
	wait_for "EXIT=" && $TM capture-pane -p -e -J -S -200 -t wb >raw &&
	! grep -q "$(printf "\033\\[3")" raw && ! grep -q "✘" raw && test_grep "FAIL" raw
'

test_expect_success 'status diagram marks what VMware broke' '
	WINHOST_DIR=$PWD/h4 test_expect_code 3 "$RUN" vmware-broken -- "$WB" status >out 2>err &&
	test "$(grep -c "^wslbridge: warning: broken: " err)" = 7 &&
	sed -n "1,/broken:/p" out >diagram &&
	test_grep "^ *LAN / Internet" diagram &&
	test_grep "^| X VMware Bridge Protocol bound" diagram &&
	test_grep "^| X switch .WSL Bridge.: Internal" diagram &&
	test_grep "^| X eth0 (no address)" diagram &&
	test_grep "7 things are broken (target bridged): .wslbridge check. says what" diagram &&
	awk "/^[|+]/ && length(\$0) != 80 { print; bad = 1 } END { exit bad }" diagram
'

test_expect_success 'status diagram of a working bridge marks nothing' '
	rm -rf h5 && WINHOST_DIR=$PWD/h5 WSLBRIDGE_STATE_DIR=$PWD/st5 "$RUN" fresh-pro -- "$WB" setup --yes >/dev/null;
	WINHOST_DIR=$PWD/h5 "$RUN" --restart fresh-pro -- "$WB" status >out &&
	sed -n "1,/^\$/p" out >diagram &&
	test_grep "bridged: the VM is on the LAN" diagram &&
	! grep "^| X" diagram && ! grep "broken" diagram
'

test_expect_success '--verbose shows the launch and each Windows action with times' '
	rm -rf h6 && WINHOST_DIR=$PWD/h6 WSLBRIDGE_STATE_DIR=$PWD/st6 "$RUN" fresh-pro -- "$WB" setup --yes --verbose >out 2>&1;
	test_grep "debug: powershell.exe (observe): [0-9]* ms" out &&
	test_grep "debug: powershell.exe (apply): [0-9]* ms" out &&
	test_grep "debug: Windows: create the external switch .* ok in [0-9]* ms" out
'

test_expect_success 'runs.log: one line per run that changed something' '
	test_grep "^20[0-9-]*T[0-9:]*Z  exit 4  wslbridge setup --yes --verbose\$" st6/runs.log &&
	test "$(wc -l <st6/runs.log)" = 1 &&
	WINHOST_DIR=$PWD/h6 WSLBRIDGE_STATE_DIR=$PWD/st6 test_expect_code 3 "$RUN" fresh-pro -- "$WB" status >/dev/null 2>&1 &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h6 WSLBRIDGE_STATE_DIR=$PWD/st6 "$RUN" fresh-pro -- "$WB" setup --dry-run >/dev/null &&
	test "$(wc -l <st6/runs.log)" = 1 &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h6 WSLBRIDGE_STATE_DIR=$PWD/st6 "$RUN" fresh-pro -- "$WB" undo --yes >/dev/null &&
	test "$(wc -l <st6/runs.log)" = 2 && test_grep "exit 4  wslbridge undo --yes\$" st6/runs.log
'

terminals_done
test_done
