#!/bin/sh
# Every PowerShell file parses with the real PowerShell grammar
# (tree-sitter-powershell) and uses only cmdlets and parameters that exist in
# Windows PowerShell 5.1 (tests/pwsh/cmdlet-params.tsv).
. "$(dirname "$0")/../lib.sh"

CHECK=$TOP/tests/pwsh/check.mjs

test_expect_success 'the shipped PowerShell: zero error nodes, real cmdlets and parameters' '
	node "$CHECK" "$TOP"/templates/*.ps1 >out &&
	test_grep "commands checked, 0 problems" out
'

test_expect_success 'the checker finds syntax errors, unknown cmdlets, aliases, bad parameters' '
	cat >bad.ps1 <<-\EOF_ &&
	Get-VMSwitch -Nmae x
	Get-ChildItem | % { $_ }
	Set-VMSwitch -Name a -NetAdapterName b -Force
	function Foo { param($A) }
	Foo -B 2
	if ($x) {
	EOF_
	test_expect_code 1 node "$CHECK" bad.ps1 >out &&
	test_grep "bad.ps1:1: .Get-VMSwitch. has no parameter .-nmae." out &&
	test_grep "unknown command .Get-ChildItem." out &&
	test_grep "unknown command .%." out &&
	test_grep "bad.ps1:3: .Set-VMSwitch. has no parameter .-force." out &&
	test_grep "bad.ps1:5: .Foo. has no parameter .-b." out &&
	test_grep "syntax error" out
'

test_expect_success 'the agent embedded in the binary is the shipped file' '
	"$TOP/tests/winhost/run" fresh-pro -- "$WB" status >/dev/null
'

test_done
