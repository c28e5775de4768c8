#!/bin/sh
# The main paths under valgrind (memcheck): no invalid reads or writes, no
# uninitialised values, no definite leaks.  Only against the release build
# (the sanitizer build already checks itself and cannot run under valgrind).
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
case $WB in */asan/*)
	echo "# t7003: valgrind runs against the release build only"
	test_done
	exit 0 ;;
esac
command -v valgrind >/dev/null || { echo "not ok 1 - valgrind is missing (tests/install-deps.sh installs it)"; exit 1; }

VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --track-origins=${VG_TRACK_ORIGINS:-no}"

# vg CODE ARGS...: wslbridge ARGS under valgrind must exit CODE, with no errors.
vg() {
	want=$1
	shift
	$VG "$WB" "$@" >vg.out 2>vg.err
	rc=$?
	if [ $rc -eq 99 ] || grep -q "^==[0-9]*==" vg.err; then
		echo "valgrind: wslbridge $*:"; cat vg.err; return 1
	fi
	[ $rc -eq "$want" ] || { echo "wslbridge $* exited $rc, wanted $want"; cat vg.err; return 1; }
}

test_expect_success 'config: get, set, lint, list, keys' '
	cp "$FIXTURES/ini/messy.wslconfig" c.wslconfig &&
	vg 0 config get --file c.wslconfig wsl2.kernel &&
	vg 0 --yes config set --file c.wslconfig wsl2.memory 6GB &&
	vg 1 config lint --file c.wslconfig &&
	vg 0 config list --file c.wslconfig &&
	vg 0 config keys &&
	vg 2 config set --file c.wslconfig wsl2.memory lots &&
	vg 0 undo --list
'

test_expect_success 'help, version, check --list, vpn list, a usage error' '
	vg 0 help && vg 0 help setup && vg 0 version && vg 0 check --list && vg 0 vpn list &&
	vg 2 setup --bogus
'

if test_have_root; then
test_expect_success 'status, setup, check, repair, undo against the simulator' '
	export WINHOST_DIR=$PWD/h &&
	"$RUN" fresh-pro -- true &&
	"$RUN" fresh-pro -- $VG "$WB" status >out 2>vg.err && ! grep "^==" vg.err &&
	{ "$RUN" fresh-pro -- $VG "$WB" setup --yes >out 2>vg.err; test $? = 4; } && ! grep "^==" vg.err &&
	"$RUN" --restart fresh-pro -- $VG "$WB" check >out 2>vg.err && ! grep "^==" vg.err &&
	{ "$RUN" fresh-pro -- $VG "$WB" undo --yes >out 2>vg.err; test $? = 4; } && ! grep "^==" vg.err &&
	rm -rf h && "$RUN" vmware-broken -- true &&
	{ "$RUN" vmware-broken -- $VG "$WB" repair --yes >out 2>vg.err; test $? = 4; } && ! grep "^==" vg.err &&
	{ "$RUN" vmware-broken -- $VG "$WB" check bridged >out 2>vg.err; test $? = 3; } && ! grep "^==" vg.err &&
	rm -rf h && "$RUN" vpn-anyconnect -- true &&
	"$RUN" vpn-anyconnect -- $VG "$WB" vpn detect >out 2>vg.err && ! grep "^==" vg.err
'

test_expect_success 'mirrored setup, forward add/list/sync/remove, host-ip' '
	export WINHOST_DIR=$PWD/h &&
	rm -rf h && "$RUN" home-edition -- true &&
	{ "$RUN" home-edition -- $VG "$WB" setup --mode mirrored --allow-port 8080 --yes >out 2>vg.err; test $? = 4; } &&
	! grep "^==" vg.err &&
	"$RUN" --restart home-edition -- $VG "$WB" check >out 2>vg.err && ! grep "^==" vg.err &&
	rm -rf h && "$RUN" win10-pro -- true &&
	"$RUN" win10-pro -- $VG "$WB" forward add 8080 3000:3001 --yes >out 2>vg.err && ! grep "^==" vg.err &&
	"$RUN" --restart --nat-address 172.20.30.7/20 win10-pro -- $VG "$WB" forward sync --yes >out 2>vg.err &&
	! grep "^==" vg.err &&
	"$RUN" win10-pro -- $VG "$WB" forward list >out 2>vg.err && ! grep "^==" vg.err &&
	"$RUN" win10-pro -- $VG "$WB" host-ip >out 2>vg.err && ! grep "^==" vg.err &&
	"$RUN" win10-pro -- $VG "$WB" forward remove --all --yes >out 2>vg.err && ! grep "^==" vg.err
'
fi

test_done
