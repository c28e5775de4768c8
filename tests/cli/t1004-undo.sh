#!/bin/sh
# undo: byte-for-byte restores, newest first; never loses later changes.
. "$(dirname "$0")/../lib.sh"

printf '# mine\r\n[wsl2]\r\nmemory = 8GB   # half\r\n' >.wslconfig
chmod 600 .wslconfig
cp .wslconfig v0

test_expect_success 'nothing to undo at first' '
	test_expect_code 1 "$WB" undo --yes 2>err &&
	test_grep "nothing to undo" err
'

test_expect_success 'two changes, then undo them one by one' '
	"$WB" -q config set --file .wslconfig wsl2.memory 4GB &&
	cp .wslconfig v1 &&
	"$WB" -q config set --file .wslconfig wsl2.networkingMode bridged &&
	"$WB" undo --list >list &&
	test_grep "#2 .* applied .*config set --file .wslconfig wsl2.networkingMode bridged" list &&
	test_grep "#1 .* applied .*wsl2.memory 4GB" list &&
	"$WB" -q undo --yes && test_cmp v1 .wslconfig &&
	"$WB" -q undo --yes && test_cmp v0 .wslconfig &&
	test "$(stat -c %a .wslconfig)" = 600 &&
	"$WB" undo --list >list && test_grep "#2 .* undone" list &&
	test_expect_code 1 "$WB" undo --yes
'

test_expect_success 'undo works from another directory' '
	"$WB" -q config set --file .wslconfig wsl2.swap 0 &&
	(cd / && "$WB" -q undo --yes) &&
	test_cmp v0 .wslconfig
'

test_expect_success 'undo of a created file removes it' '
	"$WB" -q config set --file new.wslconfig wsl2.swap 0 &&
	test -f new.wslconfig &&
	"$WB" -q undo --yes &&
	test ! -e new.wslconfig
'

test_expect_success 'undo refuses when the file changed since, and says why' '
	"$WB" -q config set --file .wslconfig wsl2.swap 0 &&
	echo "# edited by hand" >>.wslconfig && cp .wslconfig hand &&
	test_expect_code 1 "$WB" undo --yes 2>err &&
	test_grep "changed after wslbridge wrote it" err &&
	test_cmp hand .wslconfig
'

test_expect_success 'undo --force restores and keeps the overwritten bytes' '
	"$WB" undo --yes --force 2>err &&
	test_cmp v0 .wslconfig &&
	kept=$(sed -n "s/.* is kept as .\(.*\).$/\1/p" err) &&
	test_cmp hand "$kept"
'

test_expect_success 'undo needs --yes without a terminal, and changes nothing' '
	"$WB" -q config set --file .wslconfig wsl2.swap 0 && cp .wslconfig after &&
	test_expect_code 2 "$WB" undo </dev/null 2>err &&
	test_grep "pass --yes" err &&
	test_cmp after .wslconfig
'

test_expect_success 'a change to wsl.conf under --root undoes too' '
	mkdir -p r/etc && printf "[boot]\nsystemd=true\n" >r/etc/wsl.conf && cp r/etc/wsl.conf w0 &&
	"$WB" -q --root r config set network.generateResolvConf false &&
	test_grep generateResolvConf r/etc/wsl.conf &&
	"$WB" -q undo --yes --state-dir "$WSLBRIDGE_STATE_DIR" && test_cmp w0 r/etc/wsl.conf
'

test_done
