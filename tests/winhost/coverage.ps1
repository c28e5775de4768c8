# tests/winhost/coverage.ps1 AGENT DIR [MIN] - which of the agent's
# statements the suite ran.  start-agent.ps1 (with WINHOST_COVERAGE=DIR) sets
# a breakpoint on every statement, as Pester's code coverage does, and writes
# the ones hit to DIR; this merges them, prints the figure and the statements
# never run, and exits 1 below MIN percent.
param([string]$Agent, [string]$Dir, [double]$Min = 0)
$ErrorActionPreference = 'Stop'
. (Join-Path (Split-Path -Parent $PSCommandPath) 'fakes/statements.ps1')
$all = Get-WHStatements $Agent
$hit = @{}
foreach ($f in @(Get-ChildItem -LiteralPath $Dir -Filter 'hits-*.txt' -ErrorAction SilentlyContinue)) {
    foreach ($l in [System.IO.File]::ReadAllLines($f.FullName)) { $hit[$l] = $true }
}
$missed = @($all | Where-Object { -not $hit.ContainsKey($_.Key) })
$run = $all.Count - $missed.Count
$pct = if ($all.Count) { [math]::Round(100.0 * $run / $all.Count, 1) } else { 0 }
"host agent: $run of $($all.Count) statements run in make check ($pct%)"
foreach ($m in $missed) { "  not run: line $($m.Line): $($m.Text)" }
if ($pct -lt $Min) { "below the $Min% target"; exit 1 }
