#!/bin/sh
# Habits people already have: a missing option value said as such, "did you
# mean" for sub-commands and options (no screen of usage), --version and -V,
# --mode in any case, a bare --host-loopback, one "needs root" refusal.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run

test_expect_success 'a missing option value is not an unknown option' '
	for c in "setup --mode|--mode|bridged, mirrored, consomme, nat" "config get --file|--file|PATH" \
		"check --param|--param|NAME=VALUE" "forward add 80 --listen|--listen|ADDR" \
		"vpn apply --mtu|--mtu|auto, probe, N"; do
		cmd=${c%%|*} rest=${c#*|} opt=${rest%%|*} words=${rest#*|}
		test_expect_code 2 "$WB" $cmd 2>err >out || exit 1
		test_grep "^wslbridge: option .$opt. needs a value ($words)\$" err || exit 1
		! grep -q "unknown option" err || exit 1
	done
'

test_expect_success 'did you mean: sub-commands and options, two lines, not the usage' '
	for c in "vpn aply|apply" "forward ad|add" "config gte|get"; do
		test_expect_code 2 "$WB" ${c%|*} 2>err >out || exit 1
		test_grep "did you mean .${c#*|}.?" err || exit 1
		test "$(wc -l <err)" = 2 && test ! -s out || { cat err out; exit 1; }
	done &&
	test_expect_code 2 "$WB" setup --dyr-run 2>err &&
	test_grep "unknown option .--dyr-run. for setup; did you mean .--dry-run.?" err &&
	test "$(wc -l <err)" = 2 &&
	test_expect_code 2 "$WB" status --ofline 2>err && test_grep "did you mean .--offline.?" err
'

test_expect_success 'a mistyped config key gets its suggestion without --kind' '
	test_expect_code 2 "$RUN" fresh-pro -- "$WB" config set wsl2.memroy 4GB 2>err &&
	test_grep "did you mean .wsl2.memory.?" err && ! grep -q "pass --kind" err &&
	test_expect_code 2 "$RUN" fresh-pro -- "$WB" config set boot.comand x 2>err &&
	test_grep "did you mean .boot.command.?" err
'

test_expect_success '--version and -V, as wslbridge version' '
	"$WB" version >want && "$WB" --version >a && "$WB" -V >b &&
	test_cmp want a && test_cmp want b && test_grep "^wslbridge [0-9]" want
'

test_expect_success '--mode in any case; setup MODE hints --mode; repair keeps setup options to setup' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --mode NAT --dry-run >out &&
	test_grep "^Plan for setup (target nat)" out &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --mode Mirrored --dry-run >out &&
	test_grep "^Plan for setup (target mirrored)" out &&
	WINHOST_DIR=$PWD/h test_expect_code 2 "$RUN" fresh-pro -- "$WB" setup mirrored 2>err &&
	test_grep "^hint: the mode is an option: .wslbridge setup --mode mirrored." err &&
	WINHOST_DIR=$PWD/h test_expect_code 2 "$RUN" fresh-pro -- "$WB" repair --mode nat 2>err &&
	test_grep "repair keeps what setup chose" err
'

test_expect_success 'a bare --host-loopback means true; "--host-loopback false" still works' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --mode mirrored --host-loopback --dry-run >out &&
	test_grep "^       +hostAddressLoopback=true" out &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --mode mirrored --host-loopback false --dry-run >out &&
	test_grep "^       +hostAddressLoopback=false" out
'

test_expect_success 'needs root: one message, with the command again under sudo, in every verb' '
	test_have_root || { echo "needs root to drop it"; exit 0; }
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true && chmod -R a+rX "$TRASH" &&
	for c in "vpn apply --mtu 1400 --yes|vpn apply" "forward add 4000 --yes|forward add" \
		"vpn probe 127.0.0.1|vpn probe"; do
		WINHOST_DIR=$PWD/h test_expect_code 1 "$RUN" fresh-pro -- setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$WB" --state-dir "$TRASH/nobody" ${c%|*} 2>err || exit 1
		test_grep "^wslbridge: ${c#*|} needs root (.*); nothing was changed\$" err || exit 1
		test_grep "^hint: run it again as .sudo wslbridge --state-dir $TRASH/nobody ${c%|*}.\$" err || exit 1
	done
'

test_done
