# start-agent.ps1 AGENT ARGS... | -EncodedCommand BASE64 - what the simulated
# powershell.exe runs in real PowerShell: load the fakes of every Windows
# command the agent uses, then run the agent file itself with its own
# arguments (powershell.exe -File), or the command line's command
# (powershell.exe -EncodedCommand: base64 of UTF-16LE text, run as typed).
# Environment (set by powershell.py): WINHOST_DIR, WINHOST_TOKEN,
# WINHOST_GROUPS, WINHOST_ACCOUNT, WINHOST_PSEXE, WINHOST_LANGMODE,
# WINHOST_USER_MODULES.
$ErrorActionPreference = 'Stop'
# B.10: a new powershell.exe looks for modules first in the user's own
# Documents\WindowsPowerShell\Modules, then in the system's.
$env:PSModulePath = $env:WINHOST_USER_MODULES + [System.IO.Path]::PathSeparator + [System.IO.Path]::Combine($PSHOME, 'Modules')
$here = Split-Path -Parent $PSCommandPath

# The .NET types Windows has and Linux lacks, compiled once per tree. A warm
# host (warm-host.ps1) has them from its first launch: loading the file
# again fails once a parallel test has compiled it anew (another assembly of
# the same name), so they are loaded once a process.
if (-not ('WinHostFakes.Process' -as [type])) {
    $dll = Join-Path $here '../../.tools/fakes-types.dll'
    $src = Join-Path $here 'types.cs'
    if (-not (Test-Path -LiteralPath $dll) -or (Get-Item $src).LastWriteTimeUtc -gt (Get-Item $dll).LastWriteTimeUtc) {
        $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $dll)
        $tmp = "$dll.$PID.tmp"
        Add-Type -Path $src -OutputAssembly $tmp -OutputType Library
        Move-Item -Force -LiteralPath $tmp -Destination $dll
    }
    Add-Type -Path $dll
}
$accel = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
foreach ($t in 'WindowsIdentity', 'WindowsPrincipal', 'SecurityIdentifier') {
    $accel::Add("Security.Principal.$t", [type]"WinHostFakes.$t")
    $accel::Add("System.Security.Principal.$t", [type]"WinHostFakes.$t")
}
$accel::Add('Diagnostics.Process', [type]'WinHostFakes.Process')
$accel::Add('System.Diagnostics.Process', [type]'WinHostFakes.Process')

. (Join-Path $here 'state.ps1')
. (Join-Path $here 'net.ps1')
. (Join-Path $here 'system.ps1')
. (Join-Path $here 'hyperv.ps1')
# Without the Hyper-V module its cmdlets are not there (Get-Command decides);
# the Msvm_* helpers stay, CIM answers without the module.
if ((Get-WHHost).SelectSingleNode('hyperv').GetAttribute('module') -ne 'true') {
    foreach ($f in 'Get-VMSwitch', 'Get-VMNetworkAdapter', 'New-VMSwitch', 'Set-VMSwitch', 'Remove-VMSwitch') { Remove-Item "Function:\$f" }
}
if (Test-WHHyperVFirewall) { Register-WHHyperVFirewall }

# The agent as Windows would start it: its own arguments, its own exit code.
$encoded = $null
if ($args[0] -eq '-EncodedCommand') {
    $encoded = [System.Text.Encoding]::Unicode.GetString([System.Convert]::FromBase64String([string]$args[1]))
    # Only for the coverage breakpoints: the file the first copy ran.
    $agent = $env:WINHOST_AGENT_FILE
} else {
    $agent = $args[0]
    $env:WINHOST_AGENT_FILE = $agent
}
$named = @{}
for ($i = 1; $null -eq $encoded -and $i -lt $args.Count; $i++) {
    $k = ([string]$args[$i]).TrimStart('-')
    # Switches: the agent's -Elevated, the rescue's -Revert.
    if ($k -eq 'Elevated' -or $k -eq 'Revert') { $named[$k] = $true; continue }
    $named[$k] = $args[++$i]
}
$ErrorActionPreference = 'Continue'
if ($env:WINHOST_LANGMODE -eq 'ConstrainedLanguage') {
    # C.11: what App Control does to an unsigned script.
    $ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage'
}
$cov = $env:WINHOST_COVERAGE
if ($cov -and $agent -and (Test-Path -LiteralPath $agent)) {
    # Statement coverage (tests/winhost/coverage.ps1): a breakpoint a statement.
    # The statement list is parsed once per agent version and kept beside the
    # hits; the breakpoints go through the debugger's API, not Set-PSBreakpoint,
    # which costs about 0.8 s a launch for ~950 statements (the API: ~20 ms).
    $null = New-Item -ItemType Directory -Force -Path $cov
    $sha = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($agent)))
    $list = Join-Path $cov "statements-$sha.txt"
    if (-not (Test-Path -LiteralPath $list)) {
        . (Join-Path $here 'statements.ps1')
        $tmp = "$list.$PID.tmp"
        [IO.File]::WriteAllLines($tmp, [string[]]@(Get-WHStatements $agent | ForEach-Object Key))
        Move-Item -Force -LiteralPath $tmp -Destination $list
    }
    $global:WHHitFile = Join-Path $cov "hits-$PID-$([guid]::NewGuid()).txt"
    $dbg = [runspace]::DefaultRunspace.Debugger
    # Each fires once: it records its statement (at once, so a killed launch
    # keeps what it ran) and removes itself.
    $hit = {
        [System.IO.File]::AppendAllText($global:WHHitFile, ('{0}:{1}' -f $_.Line, $_.Column) + "`n")
        $null = [runspace]::DefaultRunspace.Debugger.RemoveBreakpoint($_)
    }
    foreach ($k in [IO.File]::ReadAllLines($list)) {
        $lc = $k.Split(':')
        $null = $dbg.SetLineBreakpoint($agent, [int]$lc[0], [int]$lc[1], $hit)
    }
}
if ($null -ne $encoded) {
    # Run in this scope, as -EncodedCommand runs a command in the global one.
    . ([scriptblock]::Create($encoded))
    exit $LASTEXITCODE
}
$global:LASTEXITCODE = 0
& $agent @named
$code = $LASTEXITCODE
# As powershell.exe -File: a script's `exit N` is the exit code; one that
# stops with an error exits 1.
if (-not $? -and $code -eq 0) { exit 1 }
exit $code
