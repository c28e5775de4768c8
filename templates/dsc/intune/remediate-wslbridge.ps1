# remediate-wslbridge.ps1 - the remediation script of an Intune remediation:
# `wslbridge repair --yes` fixes only what `check` found broken, through the
# same engine and history as setup (`wslbridge undo` reverts it).  Run it with
# the signed-in user's credentials, as the detection script; a repair that
# changes Windows asks for an administrator once (UAC) unless it runs
# elevated.
#   exit 0: repaired (also when WSL must restart to finish: it does so at
#           its next start; this script never shuts WSL down under the user)
#   exit 1: the repair failed; nothing half-done; see the output
# Continue: under Stop, Windows PowerShell 5.1 turns wsl.exe's first stderr line into an error
$ErrorActionPreference = 'Continue'
$output = & wsl.exe --user root --exec /usr/bin/wslbridge repair --yes 2>&1
$code = $LASTEXITCODE
$output | ForEach-Object { Write-Output ([string]$_) }
if ($code -eq 0) { exit 0 }
if ($code -eq 4) {
    Write-Output 'wslbridge: repaired; WSL applies it at its next start'
    exit 0
}
Write-Output ("wslbridge repair failed (exit code {0})" -f $code)
exit 1
