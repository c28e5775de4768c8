#!/bin/sh
# config get, list, lint, keys: what WSL reads, and what it would ignore.
. "$(dirname "$0")/../lib.sh"

messy=$FIXTURES/ini/messy.wslconfig

test_expect_success 'get prints the decoded value WSL reads' '
	"$WB" config get --file "$messy" wsl2.kernel >out &&
	printf "C:\\\\Users\\\\me\\\\bzImage\n" >want && test_cmp want out &&
	"$WB" config get --file "$messy" wsl2.vmSwitch >out &&
	printf "Lab #2 \n" >want && test_cmp want out
'

test_expect_success 'get: first occurrence wins, case folded, aliases count' '
	"$WB" config get --file "$messy" WSL2.MEMORY >out &&
	echo 8GB >want && test_cmp want out &&
	"$WB" config get --file "$messy" wsl2.networkingMode >out &&
	echo Bridged >want && test_cmp want out
'

test_expect_success 'get exits 1 silently when WSL reads no value' '
	test_expect_code 1 "$WB" config get --file "$messy" wsl2.ipv6 >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'get exits 1 and explains a value WSL rejects' '
	test_expect_code 1 "$WB" config get --file "$messy" wsl2.dhcp >out 2>err &&
	test ! -s out &&
	test_grep ":10: invalid boolean .yes." err &&
	test_grep "WSL uses its default" err
'

test_expect_success 'get: a key after an invalid [section ] is not in the section it follows' '
	test_expect_code 1 "$WB" config get --file "$messy" boot.swap
'

test_expect_success 'list shows every key WSL reads with its line' '
	"$WB" config list --file "$messy" >out &&
	cat >want <<-\EOF_ &&
	wsl2.memory=8GB	(line 3)
	wsl2.processors=08	(line 4, invalid: WSL uses the default)
	wsl2.kernel=C:\Users\me\bzImage	(line 5)
	wsl2.vmSwitch=Lab #2 	(line 6)
	wsl2.sparseVhd=true	(line 8, unknown to WSL)
	wsl2.swap=8gb	(line 9, invalid: WSL uses the default)
	wsl2.dhcp=yes	(line 10, invalid: WSL uses the default)
	wsl2.macAddress=02:15:5d:00:00:0	(line 11, invalid: WSL uses the default)
	experimental.networkingMode=Bridged	(line 15)
	experimental.autoMemoryReclaim=gradual	(line 16)
	boot.systemd=true	(line 18, unknown to WSL)
	boot.floating=1	(line 19, unknown to WSL)
	EOF_
	test_cmp want out
'

test_expect_success 'lint reports what WSL ignores, as file:line: message, exit 1' '
	test_expect_code 1 "$WB" config lint --file "$messy" >out &&
	test_grep ":4: ignored: invalid integer .08." out &&
	test_grep ":7: ignored: duplicate key .wsl2.Memory.: WSL uses line 3" out &&
	test_grep ":8: ignored: .wsl2.sparseVhd. is read only under \[experimental\]" out &&
	test_grep ":9: ignored: invalid size .8gb." out &&
	test_grep ":11: error: invalid MAC address" out &&
	test_grep ":12:1: ignored: Invalid key name; WSL skips this line" out &&
	test_grep ":13:3: ignored: Expected .=." out &&
	test_grep ":18: ignored: .boot.systemd. is a /etc/wsl.conf key" out &&
	test_grep ":19: ignored: WSL does not know the key .boot.floating. (see .wslbridge config keys.)" out &&
	test_grep ":20:6: ignored: Expected .\].; WSL skips this line; keys below it" out &&
	test_grep ":21: note: WSL reads this key as .wsl2.swap. because the section header on line 20" out &&
	test_grep ":21: ignored: duplicate key .wsl2.swap.: WSL uses line 9" out
'

test_expect_success "lint quotes wsl.exe's own warning for unknown, misplaced and duplicate keys" '
	test_expect_code 1 "$WB" config lint --file "$messy" >out &&
	test_grep ":18: ignored: .boot.systemd. is a /etc/wsl.conf key.*; WSL warns: \"Unknown key .boot.systemd. in C:.*\\\\.wslconfig:18\"" out &&
	test_grep ":8: ignored: .*WSL warns: \"Unknown key .wsl2.sparseVhd. in " out &&
	test_grep ":7: ignored: duplicate key.*WSL warns: \"Duplicated config key .wsl2.Memory. in [^ ]*:7 (Conflicting key: .wsl2.memory. in [^ ]*:3)\"" out &&
	printf "[boot]\nfloating=1\n" >w.conf &&
	test_expect_code 1 "$WB" config lint --kind wslconf --file w.conf >out &&
	test_grep ":2: ignored: .*WSL warns: \"Unknown key .boot.floating. in /etc/wsl.conf:2\"" out
'

test_expect_success 'lint: dhcpTimeout below 500 ms is "wait forever", with the versions that round it' '
	printf "[wsl2]\ndhcpTimeout=499\n" >d.wslconfig &&
	test_expect_code 0 "$WB" config lint --file d.wslconfig >out &&
	test_grep ":2: note: wsl2.dhcpTimeout=499 ms: .*WSL 2.7.2 and later 2.7.x, 2.8.5 and later; microsoft/WSL 58bd525af.*wait forever" out &&
	printf "[wsl2]\ndhcpTimeout=500\n" >d.wslconfig &&
	"$WB" config lint --file d.wslconfig >out && test ! -s out
'

test_expect_success "lint: WSL's default MAC, multicast, broadcast and zero MACs are named" '
	for m in 5e:bb:f6:9e:ee:fa:default 5E-BB-F6-9E-EE-FA:default 01:00:5e:00:00:01:multicast \
		 ff:ff:ff:ff:ff:ff:broadcast 00:00:00:00:00:00:all-zero; do
		printf "[wsl2]\nmacAddress=%s\n" "${m%:*}" >m.wslconfig &&
		"$WB" config lint --file m.wslconfig >out &&
		test_grep ":2: note: WSL takes it, but .*${m##*:}" out || return 1
	done &&
	printf "[wsl2]\nmacAddress=02:15:5d:12:34:56\n" >m.wslconfig &&
	"$WB" config lint --file m.wslconfig >out && test ! -s out
'

test_expect_success 'lint: wsl.conf stops at the first invalid line' '
	test_expect_code 1 "$WB" config lint --file "$FIXTURES/ini/stops.wsl.conf" >out &&
	test_grep ":3:1: ignored: Invalid key name; WSL stops reading wsl.conf here and ignores lines 3-7" out
'

test_expect_success 'lint: a clean file says nothing and exits 0' '
	"$WB" config lint --file "$FIXTURES/ini/clean.wsl.conf" >out &&
	test ! -s out
'

test_expect_success 'lint: a BOM in wsl.conf is named' '
	printf "\357\273\277[boot]\nsystemd=true\n" >wsl.conf &&
	test_expect_code 1 "$WB" config lint --file wsl.conf >out &&
	test_grep "byte order mark" out
'

test_expect_success 'lint: UTF-16 without a BOM is recognised' '
	printf "[\000w\000]\000\n\000" >u.wslconfig &&
	test_expect_code 1 "$WB" config lint --file u.wslconfig >out &&
	test_grep "UTF-16 without a byte order mark" out
'

test_expect_success 'lint: a missing file means defaults, exit 0' '
	"$WB" config lint --file nosuch.wslconfig >out &&
	test_grep "does not exist; WSL uses its defaults" out
'

test_expect_success 'wsl.conf is found under --root and WSLBRIDGE_ROOT' '
	mkdir -p root/etc &&
	cp "$FIXTURES/ini/clean.wsl.conf" root/etc/wsl.conf &&
	"$WB" --root root config get network.hostname >out &&
	echo box >want && test_cmp want out &&
	WSLBRIDGE_ROOT=$PWD/root "$WB" config get boot.command >out &&
	echo "echo hi # there" >want && test_cmp want out
'

test_expect_success '.wslconfig is found through WSLBRIDGE_WSLCONFIG, else explained' '
	WSLBRIDGE_WSLCONFIG=$messy "$WB" config get wsl2.memory >out &&
	echo 8GB >want && test_cmp want out &&
	test_expect_code 2 "$WB" config get wsl2.memory 2>err &&
	test_grep "pass --file" err
'

test_expect_success 'the kind comes from --kind, the file name or the key' '
	cp "$messy" settings.ini &&
	test_expect_code 2 "$WB" config get --file settings.ini wsl2.memory 2>err &&
	test_grep "pass --kind" err &&
	"$WB" config get --file settings.ini --kind wslconfig wsl2.memory >out &&
	echo 8GB >want && test_cmp want out &&
	test_expect_code 2 "$WB" config get --kind bogus wsl2.memory 2>err &&
	test_grep "unknown --kind" err &&
	test_expect_code 2 "$WB" config get custom.thing 2>err &&
	test_grep "cannot tell which file" err
'

test_expect_success 'keys lists both tables with types' '
	"$WB" config keys >out &&
	test_grep "^wsl2.networkingMode	enum None|Nat|Bridged|Mirrored|Consomme|VirtioProxy	(also \[experimental\])" out &&
	test_grep "^boot.command	string" out &&
	"$WB" config keys --kind wslconf >out &&
	! grep -q "^wsl2" out
'

test_expect_success 'get says what WSL does with a value: refuses, changes, corrupts' '
	printf "[wsl2]\nmemory=00\nswap=-1GB\nvmSwitch=Caf\303\251\n[experimental]\nignoredPorts=80abc\n" >odd.wslconfig &&
	test_expect_code 1 "$WB" config get --file odd.wslconfig wsl2.memory 2>err &&
	test_grep "invalid size .00.*WSL uses its default" err &&
	"$WB" config get --file odd.wslconfig wsl2.swap >out 2>err &&
	test_grep "^-1GB$" out && test_grep "WSL reads it as 18446744072635809792 bytes" err &&
	"$WB" config get --file odd.wslconfig experimental.ignoredPorts >out 2>err &&
	test_grep "^80abc$" out && test_grep "reads .80abc. as 80" err &&
	"$WB" config get --file odd.wslconfig wsl2.vmSwitch >out 2>err &&
	test_grep "corrupted" err &&
	"$WB" config list --file odd.wslconfig >out &&
	test_grep "^wsl2.memory=00.*invalid: WSL uses the default" out &&
	test_grep "^wsl2.vmSwitch=.*read corrupted" out
'

# Real users' files, read where they are (see tests/fixtures/real-configs/README.md).
REAL=${WSLBRIDGE_REAL_CONFIGS:-/work/shared/data/real-configs}
RC=$FIXTURES/real-configs
if [ -f "$REAL/INDEX.md" ]; then
test_expect_success "real users' files: the data set is the one measured" '
	(cd "$REAL" && sha256sum -c --quiet "$RC/files.sha256")
'
test_expect_success "real users' files: every key reads as before (as WSL reads it)" '
	while read -r want f; do
		case $f in *.wslconfig) k=wslconfig ;; *) k=wslconf ;; esac
		got=$("$WB" config list --kind $k --file "$REAL/$f" 2>&1 |
		      sed -E "s/\t\(line ([0-9]+).*/\t(line \1)/" | sha256sum | cut -d" " -f1)
		[ "$got" = "$want" ] || { echo "$f reads differently"; return 1; }
	done <"$RC/reads.sha256"
'
test_expect_success "real users' files: lint finds exactly what WSL warns about" '
	for f in $(cut -d" " -f3 "$RC/files.sha256"); do
		case $f in *.wslconfig) k=wslconfig ;; *) k=wslconf ;; esac
		"$WB" config lint --kind $k --file "$REAL/$f" | sed "s|^$REAL/||"
	done | sed -E "s/^([^:]+:[0-9]+(:[0-9]+)?: [a-z]+): .*/\1/" >lint.out &&
	test_cmp "$RC/lint.expected" lint.out
'
elif [ "${CI:-}" = true ]; then
	echo "not ok - real users' files: $REAL not found (CI=true: required)"; exit 1
else
	echo "# real users' files not found at $REAL: 3 tests skipped"
fi

test_done
