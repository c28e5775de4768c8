#!/bin/sh
# Terminal habits, read from a real terminal (tmux): status pages through
# less as systemctl does (and $PAGER, --no-pager, never when piped), and
# --color=auto|always|never.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-terminal.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
command -v less >/dev/null || { echo "not ok 1 - less missing: tests/install-deps.sh"; exit 1; }

test_expect_success 'status on a short terminal waits in less; q ends it, the warnings follow' '
	rm -rf h && WINHOST_DIR=$TRASH/h "$RUN" vmware-broken -- true &&
	in_terminal "env -u PAGER -u LESS WINHOST_DIR=$TRASH/h $RUN vmware-broken -- $WB status" 100 20 &&
	wait_for "LAN / Internet" && sleep 0.5 && screen &&
	! grep -q "EXIT=" pane && test "$(tail -n 1 pane | cut -c1)" = ":" &&
	$TM send-keys -t wb q && wait_for "EXIT=3" &&
	test_grep "warning: broken: " pane
'

test_expect_success 'status --no-pager, and a terminal tall enough: no pager stays' '
	in_terminal "env -u PAGER WINHOST_DIR=$TRASH/h $RUN vmware-broken -- $WB status --no-pager" 100 20 &&
	wait_for "EXIT=3" &&
	in_terminal "env -u PAGER -u LESS WINHOST_DIR=$TRASH/h $RUN vmware-broken -- $WB status" 100 200 &&
	wait_for "EXIT=3"
'

test_expect_success '$PAGER is honoured (split on blanks, no shell); piped, nothing pages' '
	in_terminal "PAGER=\"sed s/^/PAGED:/\" WINHOST_DIR=$TRASH/h $RUN vmware-broken -- $WB status" 100 40 &&
	wait_for "EXIT=3" && test_grep "^PAGED:      LAN / Internet" pane &&
	PAGER="sed s/^/PAGED:/" WINHOST_DIR=$TRASH/h test_expect_code 3 "$RUN" vmware-broken -- "$WB" status >out 2>/dev/null &&
	! grep -q PAGED out && test_grep "^      LAN / Internet" out
'

test_expect_success 'colours through the pager, as on the terminal; --color=never and NO_COLOR: none' '
	in_terminal "PAGER=\"sed s/^/P:/\" WINHOST_DIR=$TRASH/h $RUN vmware-broken -- $WB status" 100 40 &&
	wait_for "EXIT=3" && $TM capture-pane -p -e -J -S -200 -t wb >raw &&
	grep -q "$(printf "\033\\[31m")" raw && grep -q "✘" raw &&
	in_terminal "WINHOST_DIR=$TRASH/h $RUN vmware-broken -- $WB --color=never status --no-pager" 100 40 &&
	wait_for "EXIT=3" && $TM capture-pane -p -e -J -S -200 -t wb >raw &&
	! grep -q "$(printf "\033\\[31m")" raw && ! grep -q "✘" raw && grep -q "^| X " raw
'

test_expect_success '--color=always piped: colours and symbols; a bad WHEN is a usage error' '
	LC_ALL=C.UTF-8 WINHOST_DIR=$TRASH/h test_expect_code 3 "$RUN" vmware-broken -- "$WB" check bridged --color=always >out &&
	grep -q "$(printf "\033\\[31m")" out && grep -q "✘" out &&
	WINHOST_DIR=$TRASH/h test_expect_code 3 "$RUN" vmware-broken -- "$WB" check bridged --color=never >out &&
	! grep -q "$(printf "\033")" out &&
	test_expect_code 2 "$WB" --color=sometimes version 2>err &&
	test_grep "color takes auto, always or never, not .sometimes." err
'

test_expect_success 'while Windows is slow: a line counts the seconds, and is gone afterwards' '
	rm -rf hs && WINHOST_DIR=$TRASH/hs "$RUN" fresh-pro -- true &&
	in_terminal "WINHOST_DIR=$TRASH/hs $RUN --latency 4000 fresh-pro -- $WB status --no-pager >/dev/null" 100 20 &&
	wait_for "reading Windows… 2 s" && wait_for "EXIT=0" &&
	! grep -q "reading Windows" pane &&
	WINHOST_DIR=$TRASH/hs "$RUN" --latency 1500 fresh-pro -- "$WB" status >/dev/null 2>err &&
	! grep -q "reading Windows" err
'

test_expect_success 'Ctrl-C while reading Windows: stopped, and it says nothing was changed' '
	TERMINAL_SETUP="trap \"\" INT; " in_terminal "WINHOST_DIR=$TRASH/hs $RUN --latency 20000 fresh-pro -- $WB status --no-pager" 100 20 &&
	wait_for "reading Windows… 1 s" && $TM send-keys -t wb C-c &&
	wait_for "EXIT=" && test_grep "interrupted (Ctrl-C) while reading Windows, after [0-9]* s: nothing was changed" pane &&
	test_grep "^EXIT=1" pane
'

test_expect_success 'Ctrl-C while Windows changes things: waited for, said so, the run finishes' '
	rm -rf ha && WINHOST_DIR=$TRASH/ha "$RUN" fresh-pro -- true &&
	TERMINAL_SETUP="trap \"\" INT; " in_terminal "WINHOST_DIR=$TRASH/ha WSLBRIDGE_STATE_DIR=$TRASH/sta $RUN --latency 3000 fresh-pro -- $WB setup --yes" 100 40 &&
	wait_for "changing Windows… " && $TM send-keys -t wb C-c &&
	wait_for "Windows is making the changes now: waiting for its answer" &&
	wait_for "EXIT=" && test_grep "^EXIT=4" pane && test_grep "Windows: 1 change made" pane &&
	WSLBRIDGE_STATE_DIR=$TRASH/sta "$WB" undo --list >list && test_grep "undo will remove the switch .WSL Bridge. this change created" list
'

terminals_done
test_done
