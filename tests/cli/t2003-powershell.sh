#!/bin/sh
# Every PowerShell file parses with the real PowerShell grammar
# (tree-sitter-powershell) and uses only cmdlets and parameters that exist in
# Windows PowerShell 5.1 (tests/pwsh/cmdlet-params.tsv).
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

CHECK=$TOP/tests/pwsh/check.mjs

test_expect_success 'the shipped PowerShell: zero error nodes, real cmdlets and parameters' '
	node "$CHECK" "$TOP"/templates/*.ps1 "$TOP"/templates/dsc/intune/*.ps1 >out &&
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

PWSH=$TOP/tests/.tools/pwsh/pwsh
PS51=$TOP/tests/pwsh/ps51-check.ps1

test_expect_success 'the shipped PowerShell is Windows PowerShell 5.1 (pwsh parser)' '
	"$PWSH" -NoProfile -File "$PS51" "$TOP"/templates/*.ps1 "$TOP"/templates/dsc/intune/*.ps1 >out &&
	test_grep "files checked, 0 problems" out
'

test_expect_success 'the 5.1 check finds what 5.1 and .NET Framework lack' '
	cat >new.ps1 <<-\EOF_ &&
	$a = $x ? 1 : 2
	$b = $y ?? 3
	$c = ${z}?.Name
	Get-Item x && Get-Item y
	1..3 | ForEach-Object -Parallel { $_ }
	[System.IO.File]::Move("a", "b", $true)
	function F { process { } clean { } }
	EOF_
	test_expect_code 1 "$PWSH" -NoProfile -File "$PS51" new.ps1 >out &&
	test_grep "new.ps1:1: the ternary operator" out &&
	test_grep "new.ps1:2: .??." out &&
	test_grep "new.ps1:3: .?\.." out &&
	test_grep "new.ps1:4: a pipeline chain" out &&
	test_grep "new.ps1:5: ForEach-Object -Parallel" out &&
	test_grep "new.ps1:6: File.Move with an overwrite flag" out &&
	test_grep "new.ps1:7: a .clean. block" out &&
	test_grep "7 problems" out
'

test_expect_success 'the agent embedded in the binary is the shipped file' '
	"$TOP/tests/winhost/run" fresh-pro -- "$WB" status >/dev/null
'

test_done
