#!/bin/sh
# The command line: verbs table, help, suggestions, exit codes.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'help lists every verb' '
	"$WB" help >out &&
	for v in setup repair check status vpn config undo version help; do
		test_grep "^  $v " out || exit 1
	done
'

test_expect_success 'help VERB and VERB --help print the same usage' '
	"$WB" help config >a &&
	"$WB" config --help >b &&
	test_cmp a b &&
	test_grep "config set" a
'

test_expect_success '--help works where the verb itself could not run (not WSL, not root)' '
	WSLBRIDGE_ROOT=/nonexistent "$WB" vpn --help >out &&
	test_grep "wslbridge vpn apply" out &&
	WSLBRIDGE_ROOT=/nonexistent "$WB" setup --help >out &&
	test_grep "one administrator\|UAC" out
'

test_expect_success 'unknown verb suggests the nearest one, exit 2' '
	test_expect_code 2 "$WB" confg 2>err &&
	test_grep "did you mean .config." err &&
	test_expect_code 2 "$WB" undoo 2>err &&
	test_grep "did you mean .undo." err
'

test_expect_success 'no verb is a usage error' '
	test_expect_code 2 "$WB" 2>err &&
	test_grep "usage: wslbridge" err
'

test_expect_success 'help for an unknown verb is a usage error' '
	test_expect_code 2 "$WB" help nosuch 2>err
'

test_expect_success 'version' '
	"$WB" version >out &&
	test_grep "^wslbridge [0-9]" out
'

test_expect_success 'an option that needs a value reports it' '
	test_expect_code 2 "$WB" config list --root 2>err &&
	test_grep "needs a value" err
'

test_expect_success 'config: wrong argument count and unknown subcommand' '
	test_expect_code 2 "$WB" config get 2>err &&
	test_grep "takes 1 argument" err &&
	test_expect_code 2 "$WB" config frob 2>err &&
	test_grep "unknown config command" err &&
	test_expect_code 2 "$WB" config set --bogus a.b c 2>err &&
	test_grep "unknown option" err
'

test_expect_success 'sub-verbs: one dispatcher for config, vpn and forward, with did-you-mean and counts' '
	test_expect_code 2 "$WB" config gett a.b 2>err &&
	test_grep "unknown config command .gett.; did you mean .get.?" err &&
	test_expect_code 2 "$WB" vpn lst 2>err &&
	test_grep "unknown vpn command .lst.; did you mean .list.?" err &&
	test_expect_code 2 "$WB" forward ad 8080 2>err &&
	test_grep "unknown forward command .ad.; did you mean .add.?" err &&
	test_expect_code 2 "$WB" vpn frobnicate 2>err &&
	! grep -q "did you mean" err &&
	test_expect_code 2 "$WB" vpn probe 2>err && test_grep "vpn probe needs one IPv4 address" err &&
	test_expect_code 2 "$WB" vpn probe 1.2.3.4 5 2>err && test_grep "vpn probe takes 1 argument, not 2" err &&
	test_expect_code 2 "$WB" vpn list x 2>err && test_grep "vpn list: unexpected argument .x." err &&
	test_expect_code 2 "$WB" forward list x >out 2>err && test_grep "forward list: unexpected argument .x." err &&
	test_grep "^usage: wslbridge forward" out
'

test_expect_success 'common options work after the verb too' '
	printf "[wsl2]\nmemory=1GB\n" >.wslconfig &&
	"$WB" config set --file .wslconfig wsl2.swap 0 -q 2>err &&
	test ! -s err &&
	"$WB" config get --file .wslconfig wsl2.swap >out &&
	echo 0 >want && test_cmp want out
'

test_expect_success '-- ends options: a value may start with a dash' '
	printf "[wsl2]\n" >.wslconfig &&
	"$WB" config set --file .wslconfig -- wsl2.kernelCommandLine "-q quiet" &&
	"$WB" config get --file .wslconfig wsl2.kernelCommandLine >out &&
	echo "-q quiet" >want && test_cmp want out
'

test_expect_success '-q prints only errors, in every verb; the exit code still tells' '
	printf "[wsl2]\nmemory=1GB\n[bogus\n" >.wslconfig &&
	mkdir -p root/etc && printf "nameserver 127.0.0.1\n" >root/etc/resolv.conf &&
	for cmd in "version" "help" "config list --file .wslconfig" "config keys" "config get --file .wslconfig wsl2.memory" \
		"check --list" "vpn list" "undo --list"; do
		"$WB" -q $cmd >out 2>err; rc=$?
		test ! -s out && test ! -s err || { echo "-q $cmd: exit $rc, printed:"; cat out err; exit 1; }
		test $rc = 0 || { echo "-q $cmd: exit $rc"; exit 1; }
	done &&
	# a root with no WSL in it: check nat fails, so status says 3, silently
	test_expect_code 3 "$WB" -q --root "$PWD/root" status --offline >out 2>err && test ! -s out && test ! -s err &&
	# outside WSL host-ip refuses: its error is all -q lets through
	test_expect_code 1 "$WB" -q host-ip >out 2>err && test ! -s out && test_grep "this is not WSL" err &&
	test_expect_code 1 "$WB" config lint --file .wslconfig -q >out 2>err && test ! -s out && test ! -s err &&
	test_expect_code 3 "$WB" -q --root "$PWD/root" doctor --offline --timeout 100 --endpoint 127.0.0.1:9 >out 2>err &&
	test ! -s out && test ! -s err &&
	test_expect_code 1 "$WB" -q config get --file .wslconfig wsl2.swap >out 2>err && test ! -s out &&
	test_expect_code 2 "$WB" -q config get --file nowhere wsl2.swap >out 2>err && test ! -s out &&
	test_grep "^wslbridge: cannot tell whether" err &&
	test_expect_code 2 "$WB" -q nosuch 2>err && test_grep "unknown verb" err &&
	"$WB" -q status --help >out && test_grep "^usage: wslbridge status" out
'

test_done
