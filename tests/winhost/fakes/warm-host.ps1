# warm-host.ps1 SOCKET - a PowerShell process kept warm between the launches
# of the simulated powershell.exe (tests/winhost/warmpool.py), because a cold
# pwsh spends about 1.5 s starting .NET and compiling before the agent's
# first statement.  Each launch still gets what a new powershell.exe has: the
# launch's own environment and working directory, and a new runspace in which
# start-agent.ps1 loads the fakes and runs the agent file.  One launch at a
# time: an elevated copy started during a launch goes to another warm host.
# Exits after WINHOST_WARM_IDLE seconds (default 600) without a launch, when
# asked to stop, or after 150 launches or 768 MB, to keep memory bounded.
param([Parameter(Mandatory = $true)][string]$Socket)
$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $PSCommandPath
$startAgent = Join-Path $here 'start-agent.ps1'
$types = Join-Path $here 'types.cs'
$typesStamp = (Get-Item -LiteralPath $types).LastWriteTimeUtc
$idle = if ($env:WINHOST_WARM_IDLE) { [int]$env:WINHOST_WARM_IDLE } else { 600 }

function Set-ProcessEnvironment {
    # Exactly this environment, as a new process would have it.
    param([System.Collections.IDictionary]$Want)
    foreach ($k in @([Environment]::GetEnvironmentVariables().Keys)) {
        if (-not $Want.Contains($k)) { [Environment]::SetEnvironmentVariable($k, $null) }
    }
    foreach ($k in $Want.Keys) { [Environment]::SetEnvironmentVariable($k, [string]$Want[$k]) }
}

function Invoke-Launch {
    # One powershell.exe launch: its exit code and what it printed.
    param($Req)
    $saved = [Environment]::GetEnvironmentVariables()
    $savedOut, $savedErr = [Console]::Out, [Console]::Error
    $out = New-Object System.IO.StringWriter
    $errText = New-Object System.IO.StringWriter
    $err = $errText.GetStringBuilder()
    $rs = $null
    try {
        Set-ProcessEnvironment $Req.env
        [Environment]::CurrentDirectory = $Req.cwd
        [Console]::SetOut($out)
        [Console]::SetError($errText)
        $rs = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $rs.Open()
        $rs.SessionStateProxy.Path.SetLocation([System.Management.Automation.WildcardPattern]::Escape($Req.cwd)) | Out-Null
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        $null = $ps.AddCommand($startAgent)
        foreach ($a in $Req.argv) { $null = $ps.AddArgument([string]$a) }
        $code = 0
        try {
            foreach ($o in $ps.Invoke()) { $out.WriteLine(($o | Out-String).TrimEnd()) }
            $last = $rs.SessionStateProxy.GetVariable('LASTEXITCODE')
            if ($null -ne $last) { $code = [int]$last }
        } catch {
            # What escapes a script run with -File: printed, exit code 1.
            $null = $err.AppendLine(($_ | Out-String).TrimEnd())
            $code = 1
        }
        foreach ($i in $ps.Streams.Information) { $out.WriteLine([string]$i.MessageData) }
        foreach ($e in $ps.Streams.Error) { $null = $err.AppendLine(($e | Out-String).TrimEnd()) }
        $ps.Dispose()
        return @{ rc = $code; out = $out.ToString(); err = $err.ToString() }
    } finally {
        [Console]::SetOut($savedOut)
        [Console]::SetError($savedErr)
        if ($rs) { $rs.Dispose() }
        # Never left in a launch's folder: the test removes it.
        [Environment]::CurrentDirectory = '/'
        Set-ProcessEnvironment $saved
    }
}

[Environment]::CurrentDirectory = '/'
$launches = 0
$gone = $false
$listener = New-Object System.Net.Sockets.Socket ([System.Net.Sockets.AddressFamily]::Unix), ([System.Net.Sockets.SocketType]::Stream), ([System.Net.Sockets.ProtocolType]::Unspecified)
if (Test-Path -LiteralPath $Socket) { Remove-Item -LiteralPath $Socket -Force }
$listener.Bind((New-Object System.Net.Sockets.UnixDomainSocketEndPoint $Socket))
$listener.Listen(4)
try {
    while ($listener.Poll([int64]$idle * 1000000, [System.Net.Sockets.SelectMode]::SelectRead)) {
        $conn = $listener.Accept()
        try {
            $stream = New-Object System.Net.Sockets.NetworkStream $conn, $true
            $reader = New-Object System.IO.StreamReader $stream, ([System.Text.UTF8Encoding]::new($false))
            $req = $reader.ReadToEnd() | ConvertFrom-Json -AsHashtable
            if ($req.op -eq 'stop') { break }
            if ($req.op -eq 'ping') {
                $reply = @{ pong = $true }
            } elseif ((Get-Item -LiteralPath $types).LastWriteTimeUtc -ne $typesStamp) {
                # The fakes' .NET types changed: this process has the old ones.
                $reply = @{ stale = $true }
            } else {
                $reply = Invoke-Launch $req
            }
            $bytes = [System.Text.UTF8Encoding]::new($false).GetBytes(($reply | ConvertTo-Json -Compress))
            $stream.Write($bytes, 0, $bytes.Length)
            $done = $reply.stale -or ($reply.ContainsKey('rc') -and (++$launches -ge 150 -or
                [System.Diagnostics.Process]::GetCurrentProcess().WorkingSet64 -gt 768MB))
            if ($done) {
                # Gone before this client sees its reply end: the next one
                # finds no socket and starts a new process, never a dead one.
                $listener.Dispose()
                Remove-Item -LiteralPath $Socket -Force -ErrorAction SilentlyContinue
                $gone = $true
                break
            }
        } catch {
            # A client that went away (killed by a timeout) costs only its reply.
            [Console]::Error.WriteLine("warm-host: $_")
        } finally {
            $conn.Dispose()
        }
    }
} finally {
    $listener.Dispose()
    # Never the socket of a new process that took this slot meanwhile.
    if (-not $gone) { Remove-Item -LiteralPath $Socket -Force -ErrorAction SilentlyContinue }
}
