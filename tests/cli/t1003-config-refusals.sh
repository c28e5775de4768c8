#!/bin/sh
# Every refusal explains itself, exits non-zero, and leaves the file
# byte-identical with nothing recorded in the history.
. "$(dirname "$0")/../lib.sh"

printf '# mine\r\n[wsl2]\r\nmemory = 8GB\r\n' >.wslconfig
cp .wslconfig orig.wslconfig
printf '[boot]\nsystemd=true\n;bad\n[network]\nhostname=box\n' >wsl.conf
cp wsl.conf orig.wsl.conf

# refuse CODE PATTERN ARGS...: config ARGS must exit CODE saying PATTERN.
refuse() {
	code=$1 pattern=$2
	shift 2
	test_expect_code "$code" "$WB" config "$@" 2>err &&
	test_grep "$pattern" err &&
	test_cmp orig.wslconfig .wslconfig &&
	test_cmp orig.wsl.conf wsl.conf &&
	test_no_history &&
	! ls ./*.wslbridge-lock 2>/dev/null
}

W="--file .wslconfig"
test_expect_success 'unknown key, with a suggestion' '
	refuse 2 "did you mean .wsl2.memory." set $W wsl2.memroy 4GB &&
	test_grep "force" err
'
test_expect_success '[experimental]-only key under [wsl2]' '
	refuse 2 "use .experimental.sparseVhd." set $W wsl2.sparseVhd true
'
test_expect_success 'a wsl.conf key in .wslconfig' '
	refuse 2 "is a /etc/wsl.conf key" set $W boot.systemd true
'
test_expect_success 'bad boolean' '
	refuse 2 "accepts only true, false, 1 or 0" set $W wsl2.dhcp yes
'
test_expect_success 'bad integer (octal trap)' '
	refuse 2 "leading 0 means octal" set $W wsl2.processors 08
'
test_expect_success 'bad size' '
	refuse 2 "in uppercase, no space" set $W wsl2.memory "8 gb"
'
test_expect_success 'bad enum, with a suggestion' '
	refuse 2 "did you mean .Bridged." set $W wsl2.networkingMode bridge
'
test_expect_success 'bad MAC address' '
	refuse 2 "WSL will not start" set $W wsl2.macAddress 02:15:5d:00:00
'
test_expect_success "a MAC WSL takes but a LAN does not: WSL's default, multicast, broadcast, zero" '
	refuse 2 "WSL.s own default MAC, the same on every PC" set $W wsl2.macAddress 5e:bb:f6:9e:ee:fa &&
	refuse 2 "is a multicast MAC" set $W wsl2.macAddress 03:15:5d:00:00:01 &&
	refuse 2 "is the broadcast MAC" set $W wsl2.macAddress FF-FF-FF-FF-FF-FF &&
	refuse 2 "is the all-zero MAC" set $W wsl2.macAddress 00:00:00:00:00:00
'
test_expect_success 'dhcpTimeout below 500 ms, which WSL turns into "wait forever"' '
	refuse 2 "wait forever" set $W wsl2.dhcpTimeout 100
'
test_expect_success 'bad IPv4 address and port list' '
	refuse 2 "invalid IPv4" set $W experimental.dnsTunnelingIpAddress 10.0.0 &&
	refuse 2 "skips .0." set $W experimental.ignoredPorts "0,80" &&
	refuse 2 "reads .80abc. as 80" set $W experimental.ignoredPorts "80abc"
'
test_expect_success 'non-ASCII in a .wslconfig value' '
	refuse 2 "non-ASCII" set $W wsl2.vmSwitch "Caf$(printf "\303\251")"
'
test_expect_success 'a control character no escape can carry' '
	refuse 2 "control character 0x0d" set $W wsl2.vmSwitch "$(printf "a\rb")"
'
test_expect_success '--force never allows an invalid value' '
	refuse 2 "invalid boolean" set --force $W wsl2.dhcp maybe
'
test_expect_success 'names WSL cannot read, even with --force' '
	refuse 2 "is not SECTION.KEY" set --force $W wsl2.my_key 1 &&
	refuse 2 "is not SECTION.KEY" set $W memory 1GB &&
	refuse 2 "is not SECTION.KEY" unset $W "wsl 2.memory"
'
test_expect_success 'wsl.conf: a key WSL would not see after an invalid line' '
	refuse 1 "WSL stops reading wsl.conf at line 3" set --file wsl.conf interop.enabled false &&
	test_grep "add --fix" err
'
test_expect_success 'wsl.conf: a byte order mark hides the whole file' '
	printf "\357\273\277[boot]\n" >bom.wsl.conf && cp bom.wsl.conf bom.orig &&
	test_expect_code 1 "$WB" config set --file bom.wsl.conf boot.systemd true 2>err &&
	test_grep "byte order mark" err &&
	test_cmp bom.orig bom.wsl.conf && test_no_history
'
test_expect_success 'a UTF-16BE file: WSL cannot open it' '
	printf "\376\377\000[" >be.wslconfig && cp be.wslconfig be.orig &&
	test_expect_code 1 "$WB" config set --file be.wslconfig wsl2.swap 0 2>err &&
	test_grep "big-endian byte order mark (FE FF): WSL cannot open it" err &&
	test_cmp be.orig be.wslconfig && test_no_history
'
test_expect_success '.wslconfig: a new section after bytes that fail the read' '
	printf "[wsl2]\r\nswap=0\r\nvmSwitch=x\200" >z.wslconfig && cp z.wslconfig z.orig &&
	test_expect_code 1 "$WB" config set --file z.wslconfig experimental.sparseVhd true 2>err &&
	test_grep "WSL stops reading .wslconfig at line 1 (bytes that are not UTF-8" err &&
	test_cmp z.orig z.wslconfig && test_no_history
'
test_expect_success 'a directory instead of a file' '
	mkdir dir.wslconfig &&
	test_expect_code 1 "$WB" config set --file dir.wslconfig wsl2.swap 0 2>err &&
	test_grep "could not read" err && test_no_history
'
test_expect_success 'a state directory that cannot be used' '
	: >notadir &&
	test_expect_code 1 "$WB" --state-dir notadir/x config set $W wsl2.swap 0 2>err &&
	test_grep "could not use the state directory" err &&
	test_cmp orig.wslconfig .wslconfig
'

# Not a refusal (last, as it writes history): WSL drops the odd last byte of
# a UTF-16 file and reads the rest, so the edit goes ahead and keeps that byte.
test_expect_success 'an odd-length UTF-16 file is edited, its odd byte kept' '
	printf "\377\376[\000w" >odd.wslconfig &&
	"$WB" -q config set --file odd.wslconfig wsl2.swap 0 &&
	test "$("$WB" config get --file odd.wslconfig wsl2.swap)" = 0 &&
	test "$(tail -c 1 odd.wslconfig)" = w
'

test_done
