# wslbridge-rescue.ps1 - the way back from Windows, for when WSL no longer
# starts or has no network after `wslbridge setup`, so no wslbridge verb can
# be reached.  setup leaves it in %LOCALAPPDATA%\wslbridge (that is,
# %USERPROFILE%\AppData\Local\wslbridge) with what its last change was:
#   rescue.xml          the change: history entry, time, command, mode, the
#                       SHA-256 of the saved .wslconfig, the switch it created
#   wslconfig.before    the .wslconfig that change replaced, byte for byte
#
#   powershell -ExecutionPolicy Bypass -File "$env:LOCALAPPDATA\wslbridge\wslbridge-rescue.ps1"
#       shows the last change and changes nothing
#   ... -Revert
#       puts the saved .wslconfig back (or removes the one setup created),
#       runs `wsl.exe --shutdown`, and removes the switch setup created
#       (as administrator, or as a member of Hyper-V Administrators)
#
# It needs no running WSL and is this file byte for byte as shipped
# (templates/wslbridge-rescue.ps1), so it can be signed like the host agent.
# Everything in its folder is writable by the user (and by whatever runs as
# the user), and an administrator may run it, so nothing read there is
# trusted to say *where* to write or *what* to remove: it writes only the
# .wslconfig of the profile it sits in, never through a link; it removes a
# switch only if Hyper-V says that id has the recorded name and wslbridge's
# note, and no virtual machine uses it; the saved copy must match its hash.
# Exit codes: 0 done (or shown), 1 something could not be reverted,
# 2 nothing recorded to revert, 5 not in FullLanguage.

param([switch]$Revert)

if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') {
    Write-Output 'wslbridge-rescue: PowerShell runs this file in ConstrainedLanguage (application control); it needs a signed copy or a rule that allows it.'
    exit 5
}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$script:CreatedNote = 'Created by wslbridge'
$script:Here = $PSScriptRoot
# <profile>\AppData\Local\wslbridge: the profile is three folders up.
$script:UserProfile = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $script:Here))
$script:MaxBytes = 1048576
$script:Failed = $false

function Write-Step {
    param([string]$Text)
    # What the record says is the user's to edit: no control characters reach the console.
    [Console]::WriteLine(($Text -replace '[\x00-\x1F\x7F]', '?'))
}

function Test-Plain {
    # The path is there and is not a link or junction (a reparse point).
    param([string]$Path)
    $item = Get-Item -LiteralPath $Path -Force -ErrorAction SilentlyContinue
    if ($null -eq $item) { return $false }
    return ($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -eq 0
}

function Read-PlainBytes {
    # The bytes of a regular file that is not a link, at most MaxBytes.
    param([string]$Path)
    if (-not (Test-Plain $Path)) { throw "$Path is missing or is a link" }
    $item = Get-Item -LiteralPath $Path -Force
    if ($item.PSIsContainer) { throw "$Path is a folder" }
    if ($item.Length -gt $script:MaxBytes) { throw "$Path is larger than $($script:MaxBytes) bytes" }
    return [System.IO.File]::ReadAllBytes($Path)
}

function Get-Sha256Hex {
    param([byte[]]$Bytes)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { $h = $sha.ComputeHash($Bytes) } finally { $sha.Dispose() }
    return (($h | ForEach-Object { $_.ToString('x2') }) -join '')
}

function Read-Record {
    $path = Join-Path $script:Here 'rescue.xml'
    if (-not (Test-Path -LiteralPath $path)) { return $null }
    $settings = New-Object System.Xml.XmlReaderSettings
    $settings.DtdProcessing = [System.Xml.DtdProcessing]::Prohibit
    $settings.XmlResolver = $null
    $stream = New-Object System.IO.MemoryStream (, (Read-PlainBytes $path))
    $reader = [System.Xml.XmlReader]::Create($stream, $settings)
    try {
        $doc = New-Object System.Xml.XmlDocument
        $doc.Load($reader)
    } finally { $reader.Close() }
    $root = $doc.DocumentElement
    if ($root.LocalName -ne 'wslbridge-rescue' -or $root.GetAttribute('version') -ne '1') {
        throw "$path is not a record this script knows"
    }
    return $root
}

function Test-CanManageSwitches {
    # Administrators (elevated) and Hyper-V Administrators can see and remove switches (A.1).
    $id = [Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object Security.Principal.WindowsPrincipal $id
    foreach ($sid in 'S-1-5-32-544', 'S-1-5-32-578') {
        if ($principal.IsInRole((New-Object Security.Principal.SecurityIdentifier $sid))) { return $true }
    }
    return $false
}

function Show-Change {
    param($Record)
    $change = $Record.SelectSingleNode('change')
    $conf = $Record.SelectSingleNode('wslconfig')
    $switch = $Record.SelectSingleNode('switch')
    Write-Step ("Last change by wslbridge: history #{0}, {1}: {2} ({3} mode)" -f $change.GetAttribute('entry'),
        $change.GetAttribute('time'), $change.GetAttribute('command'), $change.GetAttribute('mode'))
    if ($conf.GetAttribute('existed') -eq 'true') {
        Write-Step ("  .wslconfig: put back the saved copy ({0} bytes) in {1}" -f $conf.GetAttribute('bytes'), $script:UserProfile)
    } else {
        Write-Step ("  .wslconfig: remove it from {0} (there was none before)" -f $script:UserProfile)
    }
    if ($null -ne $switch) {
        Write-Step ("  switch: remove '{0}' ({1}), which that change created" -f $switch.GetAttribute('name'), $switch.GetAttribute('id'))
    }
    Write-Step '  WSL: wsl.exe --shutdown, so that it starts again with the old settings'
}

function Write-NewFile {
    # A new file in folder: created, never opened through a name that exists.
    param([string]$Path, [byte[]]$Bytes)
    $fs = New-Object System.IO.FileStream ($Path, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None)
    try { $fs.Write($Bytes, 0, $Bytes.Length); $fs.Flush() } finally { $fs.Close() }
}

function Restore-WslConfig {
    param($Record)
    $conf = $Record.SelectSingleNode('wslconfig')
    $target = Join-Path $script:UserProfile '.wslconfig'
    if (-not (Test-Plain $script:UserProfile)) { throw "the profile $($script:UserProfile) is missing or is a link" }
    $saved = $null
    if ($conf.GetAttribute('existed') -eq 'true') {
        $saved = Read-PlainBytes (Join-Path $script:Here 'wslconfig.before')
        if ((Get-Sha256Hex $saved) -ne $conf.GetAttribute('sha256')) {
            throw 'the saved copy wslconfig.before does not match the hash in rescue.xml; .wslconfig was left as it is'
        }
    }
    # A link, even one that points nowhere, is refused: Test-Path would not see that one.
    $item = Get-Item -LiteralPath $target -Force -ErrorAction SilentlyContinue
    $exists = $null -ne $item
    if ($exists -and ($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) -ne 0) {
        throw "$target is a link; it was left as it is"
    }
    if ($exists) {
        # Nothing is lost: the .wslconfig replaced here is kept next to this script.
        $now = Read-PlainBytes $target
        if ($null -ne $saved -and (Get-Sha256Hex $now) -eq (Get-Sha256Hex $saved)) {
            Write-Step '.wslconfig: already the saved copy'
            return
        }
        $keep = Join-Path $script:Here ('wslconfig.before-rescue-' + (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ'))
        Write-NewFile $keep $now
        Write-Step ".wslconfig as it was is kept in $keep"
    }
    if ($null -eq $saved) {
        if ($exists) { Remove-Item -LiteralPath $target -Force }
        Write-Step '.wslconfig: removed (there was none before)'
        return
    }
    $tmp = $target + '.wslbridge-rescue'
    if (Test-Path -LiteralPath $tmp) { Remove-Item -LiteralPath $tmp -Force }
    Write-NewFile $tmp $saved
    if ($exists) {
        [System.IO.File]::Replace($tmp, $target, [NullString]::Value)
    } else {
        [System.IO.File]::Move($tmp, $target)
    }
    Write-Step '.wslconfig: the saved copy is back'
}

function Stop-Wsl {
    $exe = Join-Path $env:SystemRoot 'System32\wsl.exe'
    $ErrorActionPreference = 'Continue'
    $null = & $exe --shutdown 2>&1
    if ($LASTEXITCODE -ne 0) { throw "wsl.exe --shutdown exited with $LASTEXITCODE" }
    Write-Step 'WSL: stopped (wsl.exe --shutdown); it starts with the old settings next time'
}

function Remove-CreatedSwitch {
    param($Record)
    $rec = $Record.SelectSingleNode('switch')
    if ($null -eq $rec) { return }
    $id = $rec.GetAttribute('id')
    $name = $rec.GetAttribute('name')
    $guid = [guid]::Empty
    if (-not [guid]::TryParse($id, [ref]$guid)) { throw "rescue.xml names no switch id ('$id')" }
    if (-not (Test-CanManageSwitches)) {
        Write-Step "switch '$name': not removed: that needs PowerShell started as administrator (or membership of Hyper-V Administrators); run this again there"
        $script:Failed = $true
        return
    }
    $sw = @(Get-VMSwitch -ComputerName localhost | Where-Object { [string]$_.Id -eq $guid.ToString() })
    if ($sw.Count -eq 0) { Write-Step "switch '$name': already gone"; return }
    $sw = $sw[0]
    # The record is the user's to edit: Hyper-V itself must say the switch is the one wslbridge made.
    if ($sw.Name -ne $name -or $sw.Notes -ne $script:CreatedNote) {
        throw "switch $id is not the one wslbridge created (name '$($sw.Name)', notes '$($sw.Notes)'); it was left alone"
    }
    foreach ($n in @(Get-VMNetworkAdapter -All -ComputerName localhost)) {
        if (-not $n.IsManagementOs -and [string]$n.SwitchId -eq [string]$sw.Id) {
            throw "switch '$name' is used by the virtual machine '$($n.VMName)'; it was left alone"
        }
    }
    Remove-VMSwitch -VMSwitch $sw -Force -Confirm:$false
    Write-Step "switch '$name': removed"
}

try {
    $record = Read-Record
} catch {
    Write-Step "wslbridge-rescue: $($_.Exception.Message)"
    exit 1
}
if ($null -eq $record) {
    Write-Step "wslbridge-rescue: no change of wslbridge is recorded in $($script:Here); nothing to revert"
    exit 2
}
Show-Change $record
if (-not $Revert) {
    Write-Step 'Nothing was changed. Run this again with -Revert to revert it.'
    exit 0
}
# .wslconfig first (WSL reads it at its next start), then WSL stopped, so that
# no running VM holds the switch when it goes.
# A switch goes only once .wslconfig no longer names it: WSL would not start.
$restored = $false
try { Restore-WslConfig $record; $restored = $true } catch { Write-Step ".wslconfig: $($_.Exception.Message)"; $script:Failed = $true }
try { Stop-Wsl } catch { Write-Step "WSL: $($_.Exception.Message)"; $script:Failed = $true }
if ($restored) {
    try { Remove-CreatedSwitch $record } catch { Write-Step "switch: $($_.Exception.Message)"; $script:Failed = $true }
} elseif ($null -ne $record.SelectSingleNode('switch')) {
    Write-Step 'switch: left in place, since .wslconfig still names it'
}
if ($script:Failed) {
    Write-Step 'Not everything was reverted (see above). Once WSL starts, `wslbridge undo` or `wslbridge status` shows what is left.'
    exit 1
}
Write-Step 'Reverted. Start WSL again; `wslbridge undo --list` there shows the history.'
exit 0
