#!/bin/sh
# Bad state and odd input never crash a run (issue 17, item 9): a journal
# step without a state is named and ignored, a NUL byte in .wslconfig prints
# in the plan as \x00, and a previous boot command holding a newline keeps
# every line through a second `vpn apply` and still runs at boot.
. "$(dirname "$0")/../lib.sh"
test_simulated_host

test_expect_success 'a journal step without a state: a warning naming the file, no crash' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true && mkdir -p h/st &&
	echo "<journal verb=\"setup\" state=\"applying\" time=\"t\"><step name=\"observe\"/></journal>" >h/st/journal.xml &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/h/st test_expect_code 4 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>err &&
	test_grep "h/st/journal.xml. is not a journal this wslbridge wrote" err &&
	grep -q "state=\"done\"\|state=\"awaiting-restart\"" h/st/journal.xml &&
	echo "<journal verb=\"setup\" time=\"t\"><step name=\"observe\" state=\"done\"/></journal>" >h/st/journal.xml &&
	WINHOST_DIR=$PWD/h WSLBRIDGE_STATE_DIR=$PWD/h/st test_expect_code 4 "$RUN" fresh-pro -- "$WB" setup --dry-run >out 2>err &&
	test_grep "is not a journal this wslbridge wrote" err
'

test_expect_success 'a NUL byte in .wslconfig: the plan shows it as \x00' '
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- true &&
	printf "[wsl2]\nmemory=4GB\000junk\nswap=0\n" >h2/root/mnt/c/Users/alice/.wslconfig &&
	WINHOST_DIR=$PWD/h2 WSLBRIDGE_STATE_DIR=$PWD/h2/st "$RUN" fresh-pro -- "$WB" setup --dry-run >out 2>err &&
	test_grep "^        memory=4GB.x00junk$" out && test_grep "^       +networkingMode=bridged$" out &&
	WINHOST_DIR=$PWD/h2 WSLBRIDGE_STATE_DIR=$PWD/h2/st "$RUN" fresh-pro -- "$WB" setup --mode mirrored --dry-run >out 2>err &&
	test_grep "^        memory=4GB.x00junk$" out
'

test_expect_success 'a previous boot command with a newline keeps its lines after vpn apply, and runs' '
	rm -rf h3 && WINHOST_DIR=$PWD/h3 "$RUN" fresh-pro -- true &&
	printf "[boot]\ncommand = \"echo one > /var/tmp/one\\\\necho two > /var/tmp/two\"\n" >h3/root/etc/wsl.conf &&
	"$WB" config get --file "$PWD/h3/root/etc/wsl.conf" boot.command >want &&
	test "$(wc -l <want)" = 2 &&
	for mtu in 1400 1300; do
		WINHOST_DIR=$PWD/h3 WSLBRIDGE_STATE_DIR=$PWD/h3/st "$RUN" fresh-pro -- "$WB" vpn apply generic \
			--mtu $mtu --dns 10.1.1.1 --boot-only --yes >out 2>&1 || exit 1
	done &&
	sh -c ". h3/root/etc/wslbridge/boot-fixups.conf && printf \"%s\\n\" \"\$PREVIOUS_COMMAND\"" >got &&
	test_cmp want got &&
	cmd=$("$WB" config get --file "$PWD/h3/root/etc/wsl.conf" boot.command) &&
	WINHOST_DIR=$PWD/h3 "$RUN" fresh-pro -- unshare -m sh "$TOP/tests/tools/boot-as-wsl.sh" "$cmd" &&
	test_grep "^one$" h3/root/var/tmp/one && test_grep "^two$" h3/root/var/tmp/two
'

test_done
