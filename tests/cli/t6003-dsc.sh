#!/bin/sh
# wslbridge dsc: the WslBridge/Network command resource of Microsoft DSC v3.
# The manifest, every output and the example document are validated against
# DSC's own schemas; tests/tools/dsc-engine plays DSC's part (the instance on
# stdin, the output parsed per the schema, DSC's result built and checked)
# against the simulated host.  The Intune remediation pair runs in real
# PowerShell.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
ENGINE=$TOP/tests/tools/dsc-engine
MANIFEST=$TOP/templates/dsc/wslbridge.dsc.resource.json
EXAMPLE=$TOP/templates/dsc/examples/new-developer-pc.dsc.config.json
unset WSLBRIDGE_STATE_DIR
test_need_root
WSLBRIDGE_BIN_PATH=$(command -v "$WB")
export WSLBRIDGE_BIN_PATH

launches() { { grep "^from=$2" "$1/launches.log" 2>/dev/null || :; } | wc -l; }
# dsc OP HOST SCENARIO INSTANCE: DSC's `dsc resource OP` against the host.
dsc() { "$ENGINE" "$1" "$MANIFEST" "$4" -- env WINHOST_DIR="$PWD/$2" "$RUN" "$3" --; }
field() { python3 -c "import json, sys; print(json.dumps(eval('json.load(sys.stdin)' + sys.argv[1])))" "$1"; }
# The instance the example document gives, as DSC would pass it.
example_instance() {
	python3 -c "import json, sys; d = json.load(open(sys.argv[1]))
print(json.dumps([r for r in d['resources'] if r['type'] == 'WslBridge/Network'][0]['properties']))" "$EXAMPLE"
}

test_expect_success 'the manifest is valid for DSC, with the version and exit codes of this wslbridge' '
	"$ENGINE" manifest "$MANIFEST" &&
	python3 - "$MANIFEST" "$("$WB" version)" <<-\EOF_
	import json, sys
	m = json.load(open(sys.argv[1]))
	assert m["version"] in sys.argv[2], (m["version"], sys.argv[2])
	assert sorted(m["exitCodes"]) == ["0", "1", "2"], m["exitCodes"]
	assert m["set"]["implementsPretest"] and m["set"]["return"] == "state" and m["test"]["return"] == "state"
	for op in ("get", "test", "set"):
	    assert m[op]["args"][-2:] == ["dsc", op] and m[op]["input"] == "stdin", m[op]
	assert set(m["schema"]["embedded"]["properties"]["mode"]["enum"]) == {"bridged", "mirrored", "nat", "consomme"}
	EOF_
'

test_expect_success 'the harness catches a manifest DSC would refuse' '
	python3 -c "import json, sys; m = json.load(open(sys.argv[1])); m[\"set\"][\"input\"] = \"file\"; json.dump(m, open(\"bad.json\", \"w\"))" "$MANIFEST" &&
	test_must_fail "$ENGINE" manifest bad.json 2>err && test_grep "set/input: .file. is not one of" err
'

test_expect_success 'the example document is valid, and its instance is valid for the resource' '
	"$ENGINE" config "$EXAMPLE" "$MANIFEST" &&
	example_instance >instance && test_grep "\"mode\": \"bridged\"" instance
'

test_expect_success 'get -> test -> set -> test: the round trip of the example instance' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true && I=$(cat instance) &&
	dsc get h fresh-pro "$I" >get.json && test "$(field "[\"actualState\"][\"mode\"]" <get.json)" = "\"nat\"" &&
	dsc test h fresh-pro "$I" >test1.json && test "$(field "[\"inDesiredState\"]" <test1.json)" = false &&
	test "$(field "[\"differingProperties\"]" <test1.json)" = "[\"mode\", \"switch\"]" &&
	dsc set h fresh-pro "$I" >set.json 2>set.err &&
	test "$(field "[\"afterState\"][\"_rebootRequested\"]" <set.json)" = true &&
	test_grep "^networkingMode=bridged" h/root/mnt/c/Users/alice/.wslconfig &&
	test "$(launches h uac)" = 1 &&
	WINHOST_DIR=$PWD/h "$RUN" --restart fresh-pro -- true &&
	dsc test h fresh-pro "$I" >test2.json && test "$(field "[\"inDesiredState\"]" <test2.json)" = true &&
	test "$(field "[\"actualState\"][\"switch\"]" <test2.json)" = "\"WSL Bridge\""
'

test_expect_success 'set again is idempotent: pretest finds nothing to do (one observe each for DSC'"'"'s get and set), no prompt, nothing changed' '
	I=$(cat instance) && cp h/state.xml before.xml && cp h/root/mnt/c/Users/alice/.wslconfig before.cfg &&
	n=$(launches h wsl) && dsc set h fresh-pro "$I" >set2.json &&
	test "$(field "[\"changedProperties\"]" <set2.json)" = "[]" &&
	test "$(launches h wsl)" = $((n + 2)) &&
	test "$(launches h uac)" = 1 && test_cmp before.xml h/state.xml && test_cmp before.cfg h/root/mnt/c/Users/alice/.wslconfig
'

test_expect_success 'what set did is in the history: undo reverts it' '
	WINHOST_DIR=$PWD/h test_expect_code 4 "$RUN" fresh-pro -- "$WB" undo --yes >out 2>&1 &&
	test_grep "^undo #1 from .*: wslbridge dsc set$" out && test_grep "remove-switch" out &&
	test ! -e h/root/mnt/c/Users/alice/.wslconfig &&
	# get, test, set and undo: no launch imports more than 3 modules (issue 23)
	awk '"'"'$2 == "import" { n[$1]++ } END { for (l in n) if (n[l] > 3) { print l, n[l]; bad = 1 } exit bad }'"'"' h/calls.log
'

test_expect_success 'forwards through DSC: test, set (no prompt on the terminal), test' '
	rm -rf n && WINHOST_DIR=$PWD/n "$RUN" win10-pro -- true &&
	F="{\"mode\": \"nat\", \"forwards\": [\"8080\", \"2222:22\"]}" &&
	dsc test n win10-pro "$F" >t1.json && test "$(field "[\"inDesiredState\"]" <t1.json)" = false &&
	dsc set n win10-pro "$F" </dev/null >s.json 2>s.err &&
	test "$(field "[\"afterState\"][\"forwards\"]" <s.json)" = "[\"8080\", \"2222:22\"]" &&
	test_grep "through WSL.s localhost relay" s.err &&
	dsc test n win10-pro "$F" >t2.json && test "$(field "[\"inDesiredState\"]" <t2.json)" = true
'

test_expect_success 'a wrong instance: exit 2 (declared), a clear error, nothing read or changed' '
	cp n/state.xml before.xml && before=$(wc -l <n/launches.log) &&
	for bad in "{\"mode\": \"bridge\"}" "{\"mode\": \"nat\", \"colour\": 1}" "{\"forwards\": [80]}" \
		   "{\"forwards\": [\"99999\"]}" "{\"switch\": \"X\"}" "[1]" "{\"mode\": \"nat\",}"; do
		printf "%s" "$bad" | WINHOST_DIR=$PWD/n test_expect_code 2 "$RUN" win10-pro -- "$WB" dsc set 2>err ||
			{ echo "for: $bad"; exit 1; }
	done &&
	printf "{\"mode\": \"nat\", \"colour\": 1}" | WINHOST_DIR=$PWD/n "$RUN" win10-pro -- "$WB" dsc test 2>err; test $? = 2 &&
	test_grep "unknown property .colour.; nothing was changed" err &&
	printf "{\"mode\": \"nat\",}" | WINHOST_DIR=$PWD/n "$RUN" win10-pro -- "$WB" dsc get 2>err; test $? = 2 &&
	test_grep "is not JSON: line 1, column 16: expected a member name" err &&
	test "$(wc -l <n/launches.log)" = "$before" && test_cmp before.xml n/state.xml
'

test_expect_success 'stdout holds one JSON line and nothing else, also when set runs setup' '
	test "$(wc -l <s.json)" = 1 &&
	printf "{}" | WINHOST_DIR=$PWD/n "$RUN" win10-pro -- "$WB" dsc get >raw && test "$(wc -l <raw)" = 1 &&
	"$TOP/tests/tools/json-valid" /dev/stdin raw <<-\EOF_
	{"type": "object", "required": ["mode", "forwards"]}
	EOF_
'

# The Intune pair in real PowerShell; wsl.exe (absent here) runs the Linux
# command after --exec on the simulated host.
intune() {
	WINHOST_DIR=$PWD/$1 SCEN=$2 RUNNER=$RUN "$TOP/tests/.tools/pwsh/pwsh" -NoProfile -NonInteractive -Command "
		function wsl.exe { \$l = @(\$args[(\$args.IndexOf('--exec') + 1)..(\$args.Count - 1)]); \$l[0] = \$env:WSLBRIDGE_BIN_PATH; & \$env:RUNNER \$env:SCEN -- @l }
		& '$TOP/templates/dsc/intune/$3'; exit \$LASTEXITCODE"
}

test_expect_success 'Intune: detect = check exit 3 -> 1, remediate = repair --yes, detect again' '
	rm -rf i && WINHOST_DIR=$PWD/i "$RUN" fresh-pro -- "$WB" setup --yes >/dev/null 2>&1; test $? = 4 &&
	WINHOST_DIR=$PWD/i "$RUN" --restart fresh-pro -- true &&
	intune i fresh-pro detect-wslbridge.ps1 >out && test_grep "ok " out &&
	sed -i "s/^networkingMode=bridged/networkingMode=nat/" i/root/mnt/c/Users/alice/.wslconfig &&
	test_expect_code 1 intune i fresh-pro detect-wslbridge.ps1 >out &&
	test_grep "WSL networking drifted from its target" out &&
	intune i fresh-pro remediate-wslbridge.ps1 >out && test_grep "repaired; WSL applies it at its next start" out &&
	test_grep "^networkingMode=bridged" i/root/mnt/c/Users/alice/.wslconfig &&
	WINHOST_DIR=$PWD/i "$RUN" --restart fresh-pro -- true &&
	intune i fresh-pro detect-wslbridge.ps1 >out
'

test_expect_success 'get spells the mode as the schema does: VirtioProxy (any case) is consomme' '
	rm -rf v && WINHOST_DIR=$PWD/v "$RUN" fresh-pro -- true &&
	printf "[wsl2]\nnetworkingMode=virtioPROXY\n" >v/root/mnt/c/Users/alice/.wslconfig &&
	WINHOST_DIR=$PWD/v "$RUN" --restart fresh-pro -- true &&
	echo virtioproxy >v/linux-mode &&
	dsc get v fresh-pro "{}" >get.json &&
	test "$(field "[\"actualState\"][\"mode\"]" <get.json)" = "\"consomme\"" &&
	dsc test v fresh-pro "{\"mode\": \"consomme\"}" >test.json &&
	test "$(field "[\"actualState\"][\"mode\"]" <test.json)" = "\"consomme\""
'

test_done
