#!/bin/sh
# One protocol definition (templates/host-protocol.rng): the fuzz corpus, the
# C writer and reader, and the real agent's responses follow it.  The
# simulated powershell.exe checks every request and response of the suite;
# these tests show that both checks are live and what a user sees when
# Windows answers outside the protocol.
. "$(dirname "$0")/../lib.sh"

RNG=$TOP/templates/host-protocol.rng
RUN=$TOP/tests/winhost/run
TOOL=$TOP/build/release/tests/tools/host-tool
CORPUS=$TOP/tests/fuzz/corpus/fuzz-host-response
unset WSLBRIDGE_STATE_DIR
ETH='adapter-guid={4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}'

test_expect_success 'the fuzz corpus follows the protocol, and the C reader reads all of it' '
	n=0 &&
	for f in "$CORPUS"/*; do
		case $(basename "$f") in regress-*) continue ;; esac
		xmllint --noout --relaxng "$RNG" "$f" 2>err || { cat err; exit 1; }
		"$TOOL" parse "$f" >out || exit 1
		n=$((n + 1))
	done &&
	test "$n" -ge 9 &&
	"$TOOL" parse "$CORPUS/observe-duplicate-switches.xml" >out &&
	test "$(grep -c "^switch " out)" -ge 2 &&
	"$TOOL" parse "$CORPUS/apply-create-switch.xml" >out &&
	test_grep "^result 1 ok" out
'

test_expect_success 'the C reader refuses what the protocol does not allow, and says where' '
	sed "s|<switches>|<switches><switch name=\"x\"/>|" "$CORPUS/observe-fresh-pro.xml" >bad.xml &&
	test_must_fail xmllint --noout --relaxng "$RNG" bad.xml 2>/dev/null &&
	test_must_fail "$TOOL" parse bad.xml 2>err &&
	test_grep "element <switch>" err &&
	sed "s|<response version=\"1\">|<response version=\"2\">|" "$CORPUS/observe-fresh-pro.xml" >v2.xml &&
	test_must_fail "$TOOL" parse v2.xml 2>err &&
	test_grep "element <response>" err
'

test_need_pwsh

test_expect_success 'requests are checked: the C writer follows the protocol, an off-protocol request is refused' '
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$TOOL" apply create-switch name=P "$ETH" allow-management-os=true >out &&
	test_grep "^result 1 ok" out &&
	test ! -s h1/flags.log &&
	WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$TOOL" apply create-switch "$ETH" >out 2>err;
	test_grep "PROTOCOL: the request does not follow" h1/flags.log &&
	test_grep "wrote no response" err
'

test_expect_success 'the requests the verbs write follow the protocol, for every action type they use' '
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>&1 || test $? = 4 &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" undo --yes >out 2>&1 || test $? = 4 &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" forward add 8080 --yes >out 2>&1 &&
	WINHOST_DIR=$PWD/h2 "$RUN" fresh-pro -- "$WB" forward remove 8080 --yes >out 2>&1 &&
	WINHOST_DIR=$PWD/h4 "$RUN" vmware-broken -- "$WB" repair --yes >out 2>&1 || test $? = 4 &&
	test ! -s h2/flags.log && test ! -s h4/flags.log &&
	cat h2/requests.log h4/requests.log >all.log &&
	for t in create-switch remove-switch portproxy-set portproxy-delete fwrule-add fwrule-delete set-binding; do
		grep -q "actions=.*$t" all.log || { echo "no $t request"; cat all.log; exit 1; }
	done
'

test_expect_success 'a response outside the protocol: the simulated host takes it away and says so' '
	sed "s|guid=\"{4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}\"|guid=\"not-a-guid\"|" \
		"$TOP/tests/winhost/scenarios/fresh-pro.xml" >odd.xml &&
	WINHOST_DIR=$PWD/h3 "$RUN" "$PWD/odd.xml" -- "$WB" status >out 2>err;
	test_grep "PROTOCOL: the response does not follow" h3/flags.log &&
	test_grep "does not follow templates/host-protocol.rng" err
'

test_expect_success 'the same response reaches wslbridge when the check is off: it refuses it, naming the element' '
	WINHOST_PROTOCOL=0 "$RUN" "$PWD/odd.xml" -- "$WB" status >out 2>err;
	test_grep "response does not follow the protocol (line [0-9]*, element <adapter>" err &&
	! grep -q "Switch" out
'

test_done
