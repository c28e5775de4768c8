# detect-wslbridge.ps1 - the detection script of an Intune remediation (or
# any scheduler): does WSL's networking still match what wslbridge set up?
# Run it with the signed-in user's credentials (WSL distributions are per
# user; SYSTEM has none), 64-bit PowerShell.
#   exit 0: it matches (`wslbridge check` exit 0): nothing to do
#   exit 1: it drifted (`check` exit 3): Intune runs remediate-wslbridge.ps1
#   exit 2: the check itself failed (WSL missing, Windows unreadable): see
#           the output; remediation would not help
# Add '--distribution', 'NAME' in front for another distribution than the default.
# Continue: under Stop, Windows PowerShell 5.1 turns wsl.exe's first stderr line into an error
$ErrorActionPreference = 'Continue'
$output = & wsl.exe --user root --exec /usr/bin/wslbridge check 2>&1
$code = $LASTEXITCODE
$output | ForEach-Object { Write-Output ([string]$_) }
if ($code -eq 0) { exit 0 }
if ($code -eq 3) {
    Write-Output 'wslbridge: WSL networking drifted from its target; remediation runs `wslbridge repair --yes`'
    exit 1
}
Write-Output ("wslbridge check could not run to the end (exit code {0})" -f $code)
exit 2
