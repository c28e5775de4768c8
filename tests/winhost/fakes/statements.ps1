# statements.ps1 - the statements of a script that coverage counts: every
# simple statement (where PowerShell puts a sequence point, so a line and
# column breakpoint fires), not blocks, function definitions, the param
# block or compound statements (their inner statements count instead).
# A return, throw or exit with a value counts once, as its value: PowerShell
# puts the sequence point there, not on the keyword.
function Get-WHStatements {
    param([string]$Path)
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
    $skip = 'NamedBlockAst', 'StatementBlockAst', 'FunctionDefinitionAst', 'ParamBlockAst', 'ScriptBlockAst',
        'TryStatementAst', 'IfStatementAst', 'ForEachStatementAst', 'ForStatementAst', 'WhileStatementAst',
        'DoWhileStatementAst', 'DoUntilStatementAst', 'SwitchStatementAst'
    $seen = @{}
    foreach ($s in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.StatementAst] }, $true)) {
        if ($skip -contains $s.GetType().Name) { continue }
        # the right side of an assignment is part of the assignment's statement
        if ($s.Parent -is [System.Management.Automation.Language.AssignmentStatementAst]) { continue }
        if (($s -is [System.Management.Automation.Language.ReturnStatementAst] -or
             $s -is [System.Management.Automation.Language.ThrowStatementAst] -or
             $s -is [System.Management.Automation.Language.ExitStatementAst]) -and $null -ne $s.Pipeline) { continue }
        $key = '{0}:{1}' -f $s.Extent.StartLineNumber, $s.Extent.StartColumnNumber
        if ($seen.ContainsKey($key)) { continue }
        $seen[$key] = $true
        $text = $s.Extent.Text.Split("`n")[0].Trim()
        [pscustomobject]@{ Key = $key; Line = $s.Extent.StartLineNumber; Column = $s.Extent.StartColumnNumber; Text = $text }
    }
}
