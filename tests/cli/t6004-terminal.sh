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

terminals_done
test_done
