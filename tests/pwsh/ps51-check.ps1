# tests/pwsh/ps51-check.ps1 FILE.ps1... - hold PowerShell files to what
# Windows PowerShell 5.1 (on .NET Framework) runs, with pwsh's own parser:
# syntax that 5.1 lacks, and .NET members that .NET Framework lacks.
# Prints "FILE:LINE: problem" per finding and "N files checked, N problems";
# exit 1 on problems.
param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Files)
$ErrorActionPreference = 'Stop'
$problems = 0

# .NET APIs that .NET Framework 4.x does not have (type, member).
$netCoreOnly = @(
    @('System.IO.File', 'Move', 3, 'File.Move with an overwrite flag'),
    @('System.IO.Path', 'GetRelativePath', 0, 'Path.GetRelativePath'),
    @('System.IO.Path', 'Join', 0, 'Path.Join'),
    @('System.String', 'Contains', 2, 'String.Contains with a StringComparison'),
    @('System.Text.Json.JsonSerializer', '', 0, 'System.Text.Json'),
    @('System.Convert', 'ToHexString', 0, 'Convert.ToHexString'),
    @('System.HashCode', '', 0, 'System.HashCode'),
    @('System.Range', '', 0, 'System.Range')
)

function Report {
    param($File, $Ast, [string]$What)
    $script:problems++
    "{0}:{1}: {2} is not in Windows PowerShell 5.1" -f $File, $Ast.Extent.StartLineNumber, $What
}

foreach ($f in $Files) {
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$tokens, [ref]$errors)
    foreach ($e in $errors) { $problems++; "{0}:{1}: syntax error: {2}" -f $f, $e.Extent.StartLineNumber, $e.Message }
    foreach ($t in $tokens) {
        switch ($t.Kind) {
            'QuestionQuestion' { Report $f $t '`??`' }
            'QuestionQuestionEquals' { Report $f $t '`??=`' }
            'QuestionDot' { Report $f $t '`?.`' }
            'QuestionLBracket' { Report $f $t '`?[]`' }
            'Clean' { Report $f $t 'a `clean` block' }
        }
    }
    $all = $ast.FindAll({ $true }, $true)
    foreach ($n in $all) {
        $type = $n.GetType().Name
        if ($type -eq 'TernaryExpressionAst') { Report $f $n 'the ternary operator' }
        elseif ($type -eq 'PipelineChainAst') { Report $f $n 'a pipeline chain' }
        elseif ($type -eq 'CommandAst') {
            $name = $n.GetCommandName()
            $params = @($n.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
            if ($name -in 'ForEach-Object', 'foreach', '%' -and ($params -contains 'Parallel')) { Report $f $n 'ForEach-Object -Parallel' }
            if ($name -eq 'Get-Content' -and ($params -contains 'AsByteStream')) { Report $f $n 'Get-Content -AsByteStream' }
            if ($name -in 'Set-Content', 'Out-File', 'Add-Content' -and ($params -contains 'Encoding')) {
                $i = [array]::IndexOf(@($n.CommandElements | ForEach-Object { [string]$_ }), '-Encoding')
                $v = [string]$n.CommandElements[$i + 1]
                if ($v -match '^(utf8NoBOM|utf8BOM|ansi)$') { Report $f $n "-Encoding $v" }
            }
        } elseif ($type -eq 'InvokeMemberExpressionAst' -and $n.Static) {
            $tn = $n.Expression.TypeName.FullName
            $resolved = ($tn -replace '^System\.', '')
            foreach ($api in $netCoreOnly) {
                $short = $api[0] -replace '^System\.', ''
                if ($resolved -ne $short) { continue }
                if ($api[1] -and [string]$n.Member -ne $api[1]) { continue }
                if ($api[2] -and @($n.Arguments).Count -ne $api[2]) { continue }
                Report $f $n $api[3]
            }
        } elseif ($type -eq 'TypeExpressionAst' -or $type -eq 'TypeConstraintAst') {
            $tn = $n.TypeName.FullName -replace '^System\.', ''
            foreach ($api in $netCoreOnly) {
                if (-not $api[1] -and $tn -eq ($api[0] -replace '^System\.', '')) { Report $f $n $api[3] }
            }
        }
    }
}
"{0} files checked, {1} problems" -f $Files.Count, $problems
if ($problems -gt 0) { exit 1 }
