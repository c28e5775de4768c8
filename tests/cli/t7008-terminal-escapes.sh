#!/bin/sh
# Terminal escapes as an attacker plants them (issue 16, finding 9): in
# .wslconfig (writable by the Windows user and, on drvfs, by every Linux
# user) and in a name Windows reports (an adapter's name is the user's to
# choose; XML carries C1 controls such as U+009B, CSI).  Root reviews the
# plan before "Apply this plan?": no escape may reach the terminal raw, in
# the plan, status, config output or an error.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh
test_need_root

RUN=$TOP/tests/winhost/run
PROFILE=root/mnt/c/Users/alice

# raw_controls FILE: the lines of FILE with a control byte other than tab
# (C0, DEL) or a C1 control (U+0080..U+009F, or a raw byte 0x80..0x9f
# outside UTF-8), as od shows them; nothing when it is clean.
raw_controls() {
	LC_ALL=C python3 -c '
import re, sys
data = open(sys.argv[1], "rb").read()
for n, line in enumerate(data.split(b"\n"), 1):
    text = line.decode("utf-8", "replace")
    if re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\ufffd]", text):
        print(n, repr(line))' "$1"
}

# The escapes erase the line before and move up, so a terminal would show
# the plan without "memory=64GB" in it.
printf "[wsl2]\nmemory=64GB\nkernelCommandLine=quiet\033[2K\033[1A\r\033]0;title\007\n# note \302\233""2K \233 caf\303\251\n" >evil.wslconfig

test_expect_success 'the plan shows a .wslconfig with escapes escaped' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true &&
	cp evil.wslconfig h/$PROFILE/.wslconfig &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --dry-run >out 2>&1 &&
	raw_controls out >found && test_cmp /dev/null found &&
	test_grep "kernelCommandLine=quiet\\\\x1b\[2K\\\\x1b\[1A\\\\x0d\\\\x1b\]0;title\\\\x07" out &&
	test_grep "# note \\\\u009b2K \\\\x9b café" out
'

test_expect_success 'status, config list, lint and get on a terminal show them escaped too' '
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" status >out 2>&1 &&
	raw_controls out >found && test_cmp /dev/null found &&
	"$WB" config list --file "$PWD/evil.wslconfig" >out 2>&1 &&
	raw_controls out >found && test_cmp /dev/null found &&
	{ "$WB" config lint --file "$PWD/evil.wslconfig" >out 2>&1 || :; } &&
	raw_controls out >found && test_cmp /dev/null found &&
	script -qec "$WB config get --file $PWD/evil.wslconfig wsl2.kernelCommandLine" /dev/null >tty 2>&1 &&
	sed "s/\r\$//" tty >out &&	# the pty ends each line with CR LF
	raw_controls out >found && test_cmp /dev/null found && test_grep "quiet\\\\x1b" out
'

test_expect_success 'config get into a pipe keeps the bytes WSL reads, for scripts' '
	"$WB" config get --file "$PWD/evil.wslconfig" wsl2.kernelCommandLine >out &&
	printf "quiet\033[2K\033[1A\n" >want && test_cmp want out	# WSL reads up to the CR
'

test_expect_success 'an adapter name from Windows with C1 escapes is shown escaped' '
	sed "s/<adapter name=\"Ethernet\"/<adapter name=\"Eth\&#x9b;2K\&#x9b;1Anet\"/" \
		"$TOP/tests/winhost/scenarios/fresh-pro.xml" >c1.xml &&
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" "$PWD/c1.xml" -- true &&
	WINHOST_DIR=$PWD/h2 "$RUN" "$PWD/c1.xml" -- "$WB" status >out 2>&1 &&
	test_grep "Eth\\\\u009b2K\\\\u009b1Anet" out &&
	raw_controls out >found && test_cmp /dev/null found &&
	{ WINHOST_DIR=$PWD/h2 "$RUN" "$PWD/c1.xml" -- "$WB" setup --dry-run >out 2>&1 || :; } &&
	raw_controls out >found && test_cmp /dev/null found
'

test_done
