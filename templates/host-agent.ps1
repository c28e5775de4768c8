# wslbridge host agent: observes and changes the Windows side for wslbridge.
#
# Run only by wslbridge, from a fresh staging folder under %TEMP%:
#   powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this>
#     -Request <request.xml> -Response <response.xml>
#     -AgentSha256 <hex> -RequestSha256 <hex>
# The request says what to do (op="observe" or op="apply" with <action>s); every
# user value (switch and adapter names) arrives there as data, never as code,
# and every action's values are checked here before anything is done.
# The response is written with XmlWriter (UTF-8); stdout is for people only.
#
# Elevation: an apply that needs admin and is not elevated starts one
# elevated powershell.exe through UAC (Process.Start, Verb runas) with
# only a short bootstrap on its command line (-EncodedCommand). The bootstrap
# pins PSModulePath to the system modules, reads this file's bytes once,
# checks their SHA-256 against the one wslbridge passed, and runs exactly
# those bytes; the request is likewise read once, hashed and parsed from the
# same bytes. Nothing swapped in %TEMP% during the prompt runs elevated.
#
# Errors are classified by FullyQualifiedErrorId, HRESULT and exception type,
# never by (localized) message text.

param(
    [Parameter(Mandatory = $true)][string]$Request,
    [Parameter(Mandatory = $true)][string]$Response,
    [Parameter(Mandatory = $true)][string]$AgentSha256,
    [Parameter(Mandatory = $true)][string]$RequestSha256,
    [switch]$Elevated
)

# C.11: under application control an unsigned script runs in
# ConstrainedLanguage, where XmlWriter and the rest are refused: stop before
# anything else, with a code of our own (5) that wslbridge explains.
if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') { exit 5 }

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

$script:ProtocolVersion = '1'
$script:CreatedNote = 'Created by wslbridge'
# WSL's VMCreatorId for Hyper-V firewall rules (Get-NetFirewallHyperVVMCreator).
$script:WslCreatorId = '{40E0AC32-46A5-438A-A0B2-2B479E8F2E90}'
# Names of the rules wslbridge makes; it removes no others.
$script:RulePrefix = 'wslbridge-'
$script:Caller = @{}
# The facts beyond the basics that this run asked for (the request's facts=,
# all when absent): each costs a module import (switches: Hyper-V;
# hyperv-firewall: NetSecurity), so wslbridge asks only what its mode reads.
$script:Facts = @('switches', 'hyperv-firewall')
$script:HyperVAdmins = 'S-1-5-32-578'
$script:PortProxyKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\PortProxy\v4tov4\tcp'
# The CIM classes the NetAdapter, NetTCPIP and DnsClient cmdlets wrap are read
# with Get-CimInstance: the same instances, one query each, without importing
# those three modules (issue 23: at most 3 imports an observe).
$script:Std = @{ Namespace = 'root/StandardCimv2'; ErrorAction = 'SilentlyContinue' }
$script:BadXmlChars = '[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]'

# --- response writing ------------------------------------------------------

function Get-CleanText {
    param([object]$Value)
    if ($null -eq $Value) { return '' }
    # XmlWriter refuses control characters, lone surrogates and U+FFFE/U+FFFF
    # (D.16); switch notes and adapter names are user-editable.
    return ([string]$Value) -replace $script:BadXmlChars, '?'
}

function Write-Attr {
    param($Writer, [string]$Name, [object]$Value)
    if ($null -ne $Value) { $Writer.WriteAttributeString($Name, (Get-CleanText $Value)) }
}

# A response is written under a temporary name and renamed into place, so
# wslbridge reads a whole response or none.
function New-ResponseWriter {
    param([string]$Part = 'part')
    $Path = $Response + '.' + $Part
    $settings = New-Object System.Xml.XmlWriterSettings
    $settings.Encoding = New-Object System.Text.UTF8Encoding $false
    $settings.Indent = $true
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    $writer.WriteStartDocument()
    $writer.WriteStartElement('response')
    Write-Attr $writer 'version' $script:ProtocolVersion
    return $writer
}

function Close-ResponseWriter {
    param($Writer, [string]$Part = 'part')
    $Writer.WriteEndElement()
    $Writer.WriteEndDocument()
    $Writer.Flush()
    $Writer.Close()
    if ([System.IO.File]::Exists($Response)) { [System.IO.File]::Delete($Response) }
    [System.IO.File]::Move($Response + '.' + $Part, $Response)
}

function Get-ErrorFacts {
    param($ErrorRecord)
    $ex = $ErrorRecord.Exception
    $hr = ''
    if ($null -ne $ex) { $hr = '0x{0:X8}' -f $ex.HResult }
    # Hyper-V puts the real Win32 HRESULT in the message text only.
    $m = [regex]::Match([string]$ex.Message, '0x8[0-9A-Fa-f]{7}')
    $inner = ''
    if ($m.Success) { $inner = $m.Value.ToUpper().Replace('0X', '0x') }
    return @{
        fqid      = [string]$ErrorRecord.FullyQualifiedErrorId
        category  = [string]$ErrorRecord.CategoryInfo.Category
        hresult   = $hr
        inner     = $inner
        exception = if ($null -ne $ex) { $ex.GetType().FullName } else { '' }
        message   = if ($null -ne $ex) { [string]$ex.Message } else { [string]$ErrorRecord }
    }
}

function Write-FactsElement {
    param($Writer, [string]$Element, [string]$KindName, [string]$Kind, [hashtable]$Facts)
    $Writer.WriteStartElement($Element)
    Write-Attr $Writer $KindName $Kind
    foreach ($k in 'fqid', 'category', 'hresult', 'inner', 'exception', 'message', 'win32') {
        if ($Facts.ContainsKey($k)) { Write-Attr $Writer $k $Facts[$k] }
    }
    $Writer.WriteEndElement()
}

function Write-FatalResponse {
    param([string]$Kind, [hashtable]$Facts)
    # Its own temporary file: a writer that failed may still hold the other (D.15).
    $w = New-ResponseWriter 'err'
    Write-FactsElement $w 'error' 'kind' $Kind $Facts
    Close-ResponseWriter $w 'err'
}

# --- observation -----------------------------------------------------------

function Get-RegistryValues {
    param([string]$Path)
    try { return Get-ItemProperty -Path $Path } catch { return $null }
}

function Test-InRole {
    param([string]$Sid)
    $id = [Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object Security.Principal.WindowsPrincipal $id
    return $principal.IsInRole((New-Object Security.Principal.SecurityIdentifier $Sid))
}

function Test-AdminMember {
    # A filtered (non-elevated) admin token holds S-1-5-32-544 as deny-only.
    $id = [Security.Principal.WindowsIdentity]::GetCurrent()
    foreach ($claim in $id.Claims) {
        if ($claim.Value -eq 'S-1-5-32-544') { return $true }
    }
    return $false
}

function Invoke-Native {
    # A native program, judged by its exit code. Its stderr is kept apart:
    # with 2>&1 under 'Stop', Windows PowerShell 5.1 turns the first stderr
    # line into a terminating error (D.14). Output is decoded as $Encoding.
    param([string]$Exe, [string[]]$Words, [System.Text.Encoding]$Encoding)
    $saved = $null
    try { $saved = [Console]::OutputEncoding; [Console]::OutputEncoding = $Encoding } catch { }
    $ErrorActionPreference = 'Continue'
    try {
        $all = @(& $Exe @Words 2>&1)
        $code = $LASTEXITCODE
    } finally {
        if ($null -ne $saved) { try { [Console]::OutputEncoding = $saved } catch { } }
    }
    $out = @()
    $err = @()
    foreach ($line in $all) {
        if ($line -is [System.Management.Automation.ErrorRecord]) { $err += [string]$line } else { $out += [string]$line }
    }
    return @{ code = $code; out = $out; err = $err }
}

function Get-WslVersionFacts {
    # wsl.exe --version: 7 localized "label: value" lines, UTF-16LE unless
    # WSL_UTF8=1. Take values by position, never by label. Inbox wsl.exe has
    # no --version at all.
    $facts = @{ version = ''; kernel = ''; windows = ''; inbox = 'false' }
    $exe = Join-Path $env:SystemRoot 'System32\wsl.exe'
    if (-not (Test-Path -LiteralPath $exe)) { $facts.inbox = 'missing'; return $facts }
    $env:WSL_UTF8 = '1'
    $out = @()
    try { $out = (Invoke-Native $exe @('--version') (New-Object System.Text.UTF8Encoding $false)).out } catch { }
    $lines = @()
    foreach ($line in $out) {
        $text = ([string]$line) -replace "`0", ''
        if ($text.Trim().Length -gt 0) { $lines += $text }
    }
    $values = @()
    foreach ($line in $lines) {
        $m = [regex]::Match($line, '[0-9]+(\.[0-9]+){2,3}')
        if ($m.Success) { $values += $m.Value } else { $values += '' }
    }
    if ($values.Count -ge 7 -and $values[0] -ne '') {
        $facts.version = $values[0]
        $facts.kernel = $values[1]
        $facts.windows = $values[6]
    } else {
        $facts.inbox = 'true'
    }
    return $facts
}

function Get-UnreadableReason {
    # A.1/A.3: a caller outside Hyper-V Administrators and not elevated.
    param($ErrorRecord)
    if ([string]$ErrorRecord.CategoryInfo.Category -eq 'PermissionDenied') { return 'permission' }
    return 'failed'
}

function Write-Unasked {
    # A section this run did not ask for: unknown, never empty.
    param($w)
    $w.WriteStartElement('unreadable')
    Write-Attr $w 'reason' 'unasked'
    $w.WriteEndElement()
}

function Write-Unreadable {
    param($Writer, [string]$Reason, $ErrorRecord)
    Write-FactsElement $Writer 'unreadable' 'reason' $Reason (Get-ErrorFacts $ErrorRecord)
}

function Write-Section {
    # Each section is written apart and copied in whole, so a cmdlet that
    # fails costs only its section: <NAME><unreadable reason="failed"/></NAME>.
    param($Writer, [string]$Name, [scriptblock]$Body)
    $text = $null
    try {
        $sb = New-Object System.Text.StringBuilder
        $settings = New-Object System.Xml.XmlWriterSettings
        $settings.ConformanceLevel = [System.Xml.ConformanceLevel]::Fragment
        $part = [System.Xml.XmlWriter]::Create($sb, $settings)
        try {
            $part.WriteStartElement($Name)
            & $Body $part
            $part.WriteEndElement()
        } finally { $part.Close() }
        $text = $sb.ToString()
    } catch {
        $Writer.WriteStartElement($Name)
        Write-Unreadable $Writer (Get-UnreadableReason $_) $_
        $Writer.WriteEndElement()
        return
    }
    $Writer.WriteRaw($text)
}

function Write-WindowsFacts {
    param($Writer)
    Write-Section $Writer 'windows' {
        param($w)
        $cv = Get-RegistryValues 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
        if ($null -ne $cv) {
            Write-Attr $w 'build' $cv.CurrentBuildNumber
            Write-Attr $w 'ubr' $cv.UBR
            Write-Attr $w 'edition' $cv.EditionID
            Write-Attr $w 'installation' $cv.InstallationType
            Write-Attr $w 'display-version' $cv.DisplayVersion
        }
        # DisabledComponents=0xFF makes WSL fall back from mirrored to NAT.
        $tcp6 = Get-RegistryValues 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip6\Parameters'
        if ($null -ne $tcp6 -and $null -ne $tcp6.DisabledComponents) {
            Write-Attr $w 'ipv6-disabled-components' ([int64]$tcp6.DisabledComponents)
        }
    }
    Write-Section $Writer 'user' {
        param($w)
        # B.7: an elevated copy started over the shoulder runs as another
        # account; it reports the caller's folders, which wslbridge passed.
        $id = [Security.Principal.WindowsIdentity]::GetCurrent()
        $profile = $env:USERPROFILE
        $temp = $env:TEMP
        if ($script:Caller.Count -gt 0) { $profile = $script:Caller.profile; $temp = $script:Caller.temp }
        Write-Attr $w 'profile' $profile
        Write-Attr $w 'temp' $temp
        Write-Attr $w 'elevated' ([string](Test-InRole 'S-1-5-32-544')).ToLower()
        Write-Attr $w 'admin-member' ([string](Test-AdminMember)).ToLower()
        Write-Attr $w 'hyperv-admin' ([string](Test-InRole 'S-1-5-32-578')).ToLower()
        Write-Attr $w 'account' $id.Name
        if ($null -ne $id.User) { Write-Attr $w 'sid' $id.User.Value }
    }
    Write-Section $Writer 'machine' {
        param($w)
        $crypto = Get-RegistryValues 'HKLM:\SOFTWARE\Microsoft\Cryptography'
        if ($null -ne $crypto) { Write-Attr $w 'guid' $crypto.MachineGuid }
    }
    Write-Section $Writer 'services' {
        param($w)
        # WSL turns DNS tunneling off while Global Secure Access runs;
        # portproxy rules are served by IP Helper (E.22).
        Write-Attr $w 'global-secure-access' (Get-ServiceStatus 'GlobalSecureAccessTunnelingService')
        Write-Attr $w 'ip-helper' (Get-ServiceStatus 'iphlpsvc')
    }
    Write-Section $Writer 'hyperv' {
        param($w)
        # Listed, not imported: Get-Command would import Hyper-V (the costliest).
        $module = $null -ne (Get-Module -ListAvailable -Name 'Hyper-V')
        $hypervisor = ''
        try { $hypervisor = [string](Get-CimInstance -ClassName Win32_ComputerSystem).HypervisorPresent } catch { }
        Write-Attr $w 'module' ([string]$module).ToLower()
        Write-Attr $w 'hypervisor-present' $hypervisor.ToLower()
        Write-Attr $w 'vmms' (Get-ServiceStatus 'vmms')
    }
    Write-Section $Writer 'wsl' {
        param($w)
        $wsl = Get-WslVersionFacts
        Write-Attr $w 'version' $wsl.version
        Write-Attr $w 'kernel' $wsl.kernel
        Write-Attr $w 'windows' $wsl.windows
        Write-Attr $w 'inbox' $wsl.inbox
    }
    Write-Section $Writer 'policy' {
        param($w)
        $pol = Get-RegistryValues 'HKLM:\SOFTWARE\Policies\WSL'
        if ($null -ne $pol) {
            Write-Attr $w 'allow-networking-mode' $pol.AllowNetworkingModeUserSetting
            Write-Attr $w 'default-networking-mode' $pol.DefaultNetworkingMode
            Write-Attr $w 'allow-firewall' $pol.AllowFirewallUserSetting
        }
    }
}

function Get-ServiceStatus {
    param([string]$Name)
    try { return [string](Get-Service -Name $Name).Status } catch { return 'missing' }
}

function Write-AdapterFacts {
    param($Writer)
    # Counters are uint32 (D.17): [int64], never [int].
    # AddressFamily 2 is IPv4 (cmdlet-outputs §3).
    $ipif = @{}
    foreach ($i in @(Get-CimInstance @script:Std -ClassName MSFT_NetIPInterface -Filter 'AddressFamily = 2')) {
        $ipif[[int64]$i.InterfaceIndex] = $i
    }
    $dns = @{}
    foreach ($d in @(Get-CimInstance @script:Std -ClassName MSFT_DNSClientServerAddress -Filter 'AddressFamily = 2')) {
        $dns[[int64]$d.InterfaceIndex] = $d
    }
    $suffix = @{}
    foreach ($c in @(Get-CimInstance @script:Std -ClassName MSFT_DNSClient)) {
        $suffix[[int64]$c.InterfaceIndex] = $c.ConnectionSpecificSuffix
    }
    # Store 1: the active addresses; a static one is also in the persistent store (D.19).
    $addrs = @(Get-CimInstance @script:Std -ClassName MSFT_NetIPAddress -Filter 'AddressFamily = 2 AND Store = 1')
    # Every adapter's bindings in one query (the class holds hidden ones too).
    $bindings = @{}
    foreach ($b in @(Get-CimInstance @script:Std -ClassName MSFT_NetAdapterBindingSettingData)) {
        if (-not $bindings.ContainsKey([string]$b.Name)) { $bindings[[string]$b.Name] = @() }
        $bindings[[string]$b.Name] += $b
    }
    $script:AdapterFacts = @{ ipif = $ipif; dns = $dns; suffix = $suffix; addrs = $addrs; bindings = $bindings }
    Write-Section $Writer 'adapters' {
        param($w)
        # The list itself failing is unreadable, never "no adapters".
        $errs = $null
        $list = @(Get-CimInstance @script:Std -ClassName MSFT_NetAdapter -ErrorVariable errs)
        if ($errs.Count -gt 0 -and $list.Count -eq 0) { Write-Unreadable $w (Get-UnreadableReason $errs[0]) $errs[0]; return }
        foreach ($a in $list) { Write-Adapter $w $a }
    }
    Write-Section $Writer 'routes' {
        param($w)
        # D.19: the active store (Store 1) only; persistent routes would appear twice.
        foreach ($r in @(Get-CimInstance @script:Std -ClassName MSFT_NetRoute -Filter "DestinationPrefix = '0.0.0.0/0' AND Store = 1")) {
            $w.WriteStartElement('route')
            Write-Attr $w 'prefix' $r.DestinationPrefix
            Write-Attr $w 'next-hop' $r.NextHop
            Write-Attr $w 'ifindex' ([int64]$r.InterfaceIndex)
            Write-Attr $w 'metric' ([int64]$r.RouteMetric)
            $w.WriteEndElement()
        }
    }
    Write-Section $Writer 'dns-search' {
        param($w)
        $global = $null
        try { $global = Get-CimInstance @script:Std -ClassName MSFT_DNSClientGlobalSetting | Select-Object -First 1 } catch { }
        if ($null -ne $global) {
            foreach ($s in @($global.SuffixSearchList)) {
                $w.WriteStartElement('suffix')
                Write-Attr $w 'name' $s
                $w.WriteEndElement()
            }
        }
    }
}

function Write-Adapter {
    param($w, $a)
    $f = $script:AdapterFacts
    $idx = [int64]$a.InterfaceIndex
    $w.WriteStartElement('adapter')
    Write-Attr $w 'name' $a.Name
    Write-Attr $w 'description' ([string]$a.InterfaceDescription)
    Write-Attr $w 'guid' $a.InterfaceGuid
    Write-Attr $w 'mac' (Format-Mac $a)
    Write-Attr $w 'status' (Get-AdapterStatus $a)
    Write-Attr $w 'ifindex' $idx
    Write-Attr $w 'virtual' ([string]$a.Virtual).ToLower()
    Write-Attr $w 'hardware' ([string]$a.HardwareInterface).ToLower()
    Write-Attr $w 'connector' ([string]$a.ConnectorPresent).ToLower()
    Write-Attr $w 'physical-medium' ([int64]$a.NdisPhysicalMedium)
    Write-Attr $w 'media-connect' ([int64]$a.MediaConnectState)
    if ($f.ipif.ContainsKey($idx)) {
        Write-Attr $w 'mtu' ([int64]$f.ipif[$idx].NlMtu)
        Write-Attr $w 'metric' ([int64]$f.ipif[$idx].InterfaceMetric)
        Write-Attr $w 'automatic-metric' ([int64]$f.ipif[$idx].AutomaticMetric)
    }
    if ($f.suffix.ContainsKey($idx)) { Write-Attr $w 'dns-suffix' $f.suffix[$idx] }
    if (($a.HardwareInterface -or $a.ConnectorPresent) -and $f.bindings.ContainsKey([string]$a.Name)) {
        foreach ($b in $f.bindings[[string]$a.Name]) {
            if (@('vms_pp', 'vmware_bridge', 'ms_tcpip', 'ms_tcpip6') -contains $b.ComponentID) {
                $w.WriteStartElement('binding')
                Write-Attr $w 'component' $b.ComponentID
                Write-Attr $w 'enabled' ([string]$b.Enabled).ToLower()
                $w.WriteEndElement()
            }
        }
    }
    foreach ($ip in $f.addrs) {
        if ([int64]$ip.InterfaceIndex -eq $idx) {
            $w.WriteStartElement('ipv4')
            Write-Attr $w 'address' $ip.IPAddress
            Write-Attr $w 'prefix' ([int64]$ip.PrefixLength)
            $w.WriteEndElement()
        }
    }
    if ($f.dns.ContainsKey($idx)) {
        foreach ($s in @($f.dns[$idx].ServerAddresses)) {
            $w.WriteStartElement('dns')
            Write-Attr $w 'server' $s
            $w.WriteEndElement()
        }
    }
    $w.WriteEndElement()
}

function Format-Mac {
    # The class holds the MAC as 12 hex digits; Get-NetAdapter's MacAddress
    # (a property the module adds) shows it as AA-BB-CC-DD-EE-FF.
    param($a)
    $hex = [string]$a.PermanentAddress
    if ($hex -notmatch '^[0-9A-Fa-f]{12}$') { $hex = [string](@($a.NetworkAddresses) | Select-Object -First 1) }
    if ($hex -notmatch '^[0-9A-Fa-f]{12}$') { return '' }
    return ($hex.ToUpper() -replace '(..)(?!$)', '$1-')
}

function Get-AdapterStatus {
    # The word Get-NetAdapter's Status shows, from the class's numbers
    # (cmdlet-outputs §2.1): admin 2 = Disabled; operational 1 = Up,
    # 6 = Not Present; media 2 = Disconnected.
    param($a)
    if ([int64]$a.InterfaceAdminStatus -eq 2) { return 'Disabled' }
    switch ([int64]$a.InterfaceOperationalStatus) {
        1 { return 'Up' }
        6 { return 'Not Present' }
    }
    if ([int64]$a.MediaConnectState -eq 2) { return 'Disconnected' }
    return 'Down'
}

function Format-BracedGuid {
    # An uplink as the adapters list it: {UPPER-CASE}.
    param($Guid)
    return '{' + ([string]$Guid).ToUpper() + '}'
}

function Get-SwitchFacts {
    # Hyper-V's switches and the VMs' NICs, or the error that kept them from
    # being read (A.1: not elevated and not in Hyper-V Administrators). An
    # unreadable list is reported as that, never as an empty one.
    $errs = $null
    $switches = @(Get-VMSwitch -ComputerName localhost -ErrorAction SilentlyContinue -ErrorVariable errs)
    if ($errs.Count -gt 0) { return @{ error = $errs[0] } }
    $nics = @(Get-VMNetworkAdapter -All -ComputerName localhost -ErrorAction SilentlyContinue -ErrorVariable errs)
    if ($errs.Count -gt 0) { return @{ error = $errs[0] } }
    return @{ switches = $switches; nics = $nics; error = $null }
}

function Write-SwitchFacts {
    param($Writer)
    Write-Section $Writer 'switches' {
        param($w)
        if ($script:Facts -notcontains 'switches') { Write-Unasked $w; return }
        if ($null -eq (Get-Command -Name 'Get-VMSwitch' -ErrorAction SilentlyContinue)) { return }
        $facts = Get-SwitchFacts
        if ($null -ne $facts.error) { Write-Unreadable $w (Get-UnreadableReason $facts.error) $facts.error; return }
        foreach ($s in $facts.switches) {
            $w.WriteStartElement('switch')
            Write-Attr $w 'id' $s.Id
            Write-Attr $w 'name' $s.Name
            Write-Attr $w 'type' ([int]$s.SwitchType)
            Write-Attr $w 'allow-management-os' ([string]$s.AllowManagementOS).ToLower()
            Write-Attr $w 'notes' $s.Notes
            foreach ($g in @($s.NetAdapterInterfaceGuid)) {
                if ($null -eq $g) { continue }
                $w.WriteStartElement('uplink')
                Write-Attr $w 'guid' (Format-BracedGuid $g)
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
        foreach ($n in $facts.nics) {
            if ($n.IsManagementOs -or $null -eq $n.SwitchId) { continue }
            $w.WriteStartElement('vm-nic')
            Write-Attr $w 'vm' $n.VMName
            Write-Attr $w 'switch-id' $n.SwitchId
            $w.WriteEndElement()
        }
    }
    # CIM sees what the cmdlets hide, and works without the Hyper-V module;
    # an invalid namespace (0x8004100E) means no Hyper-V, so nothing to list.
    Write-Section $Writer 'external-ports' {
        param($w)
        $errs = $null
        $ports = @(Get-CimInstance -Namespace 'root/virtualization/v2' -ClassName Msvm_ExternalEthernetPort -ErrorAction SilentlyContinue -ErrorVariable errs)
        $bad = @($errs | Where-Object { [string]$_.FullyQualifiedErrorId -notlike 'HRESULT 0x8004100e,*' })
        if ($bad.Count -gt 0) { Write-Unreadable $w (Get-UnreadableReason $bad[0]) $bad[0]; return }
        foreach ($p in $ports) {
            $w.WriteStartElement('port')
            Write-Attr $w 'name' $p.ElementName
            Write-Attr $w 'mac' $p.PermanentAddress
            Write-Attr $w 'bound' ([string]$p.IsBound).ToLower()
            $w.WriteEndElement()
        }
    }
}

function Write-ForwardingFacts {
    param($Writer)
    # Hyper-V firewall (Windows 11 22H2+): WSL's setting and rules.
    Write-Section $Writer 'hyperv-firewall' {
        param($w)
        if ($script:Facts -notcontains 'hyperv-firewall') { Write-Unasked $w; return }
        $hv = $null -ne (Get-Command -Name 'New-NetFirewallHyperVRule' -ErrorAction SilentlyContinue)
        Write-Attr $w 'present' ([string]$hv).ToLower()
        if (-not $hv) { return }
        $setting = $null
        try { $setting = Get-NetFirewallHyperVVMSetting -PolicyStore ActiveStore -Name $script:WslCreatorId } catch { }
        if ($null -ne $setting) {
            Write-Attr $w 'enabled' $setting.Enabled
            Write-Attr $w 'default-inbound' $setting.DefaultInboundAction
        }
        $errs = $null
        $rules = @(Get-NetFirewallHyperVRule -VMCreatorId $script:WslCreatorId -ErrorAction SilentlyContinue -ErrorVariable errs)
        if ($errs.Count -gt 0) { Write-Unreadable $w (Get-UnreadableReason $errs[0]) $errs[0]; return }
        foreach ($r in $rules) {
            $w.WriteStartElement('rule')
            Write-Attr $w 'name' $r.Name
            Write-Attr $w 'direction' $r.Direction
            Write-Attr $w 'protocol' $r.Protocol
            Write-Attr $w 'local-ports' (@($r.LocalPorts) -join ',')
            Write-Attr $w 'action' $r.Action
            Write-Attr $w 'enabled' $r.Enabled
            $w.WriteEndElement()
        }
    }
    # The dynamic (ephemeral) port ranges: mirrored WSL 2.8.7+ limits guest binds
    # inside them.  WSL takes the first setting with a range (WslCoreGuestNetworkService.cpp).
    Write-Section $Writer 'dynamic-ports' {
        param($w)
        $tcp = @(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetTCPSetting -ErrorAction Stop | Where-Object { [int]$_.DynamicPortRangeStartPort -gt 0 -and [int]$_.DynamicPortRangeNumberOfPorts -gt 0 })
        $udp = @(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetUDPSetting -ErrorAction Stop | Where-Object { [int]$_.DynamicPortRangeStartPort -gt 0 -and [int]$_.DynamicPortRangeNumberOfPorts -gt 0 })
        if ($tcp.Count -gt 0) { Write-Attr $w 'tcp-start' $tcp[0].DynamicPortRangeStartPort; Write-Attr $w 'tcp-count' $tcp[0].DynamicPortRangeNumberOfPorts }
        if ($udp.Count -gt 0) { Write-Attr $w 'udp-start' $udp[0].DynamicPortRangeStartPort; Write-Attr $w 'udp-count' $udp[0].DynamicPortRangeNumberOfPorts }
    }
    # netsh keeps v4tov4 rules as registry values "addr/port" = "addr/port":
    # reading them there avoids parsing netsh's localized table.
    Write-Section $Writer 'portproxy' {
        param($w)
        # A missing key is no rules; any other failure costs the section.
        try { $pp = Get-ItemProperty -Path $script:PortProxyKey }
        catch {
            if ([string]$_.FullyQualifiedErrorId -like 'PathNotFound,*') { return }
            throw
        }
        foreach ($p in $pp.PSObject.Properties) {
            if ($p.Name -notmatch '^[^/]+/[0-9]+$') { continue }
            $listen = $p.Name.Split('/')
            $connect = ([string]$p.Value).Split('/')
            $w.WriteStartElement('rule')
            Write-Attr $w 'listen-address' $listen[0]
            Write-Attr $w 'listen-port' $listen[1]
            Write-Attr $w 'connect-address' $connect[0]
            if ($connect.Count -gt 1) { Write-Attr $w 'connect-port' $connect[1] }
            $w.WriteEndElement()
        }
    }
    # Windows Firewall rules wslbridge made (their display name is ours).
    Write-Section $Writer 'firewall-rules' {
        param($w)
        $filter = "ElementName LIKE '" + $script:RulePrefix + "%'"
        $errs = $null
        $rules = @(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetFirewallRule -Filter $filter -ErrorAction SilentlyContinue -ErrorVariable errs)
        if ($errs.Count -gt 0) { Write-Unreadable $w (Get-UnreadableReason $errs[0]) $errs[0]; return }
        foreach ($r in $rules) {
            $w.WriteStartElement('rule')
            Write-Attr $w 'name' $r.ElementName
            Write-Attr $w 'enabled' $r.Enabled
            $w.WriteEndElement()
        }
    }
}

function Write-HostState {
    param($Writer)
    $Writer.WriteStartElement('host')
    Write-WindowsFacts $Writer
    Write-AdapterFacts $Writer
    Write-SwitchFacts $Writer
    Write-ForwardingFacts $Writer
    $Writer.WriteEndElement()
}

# --- actions ---------------------------------------------------------------

function Get-AdapterByGuid {
    param([string]$Guid)
    foreach ($a in @(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetAdapter)) {
        if ([string]$a.InterfaceGuid -eq $Guid) { return $a }
    }
    throw (New-Object System.Management.Automation.ItemNotFoundException "no adapter with InterfaceGuid $Guid")
}

function Wait-Settled {
    # E.20: a switch shared with Windows takes the host's IP configuration
    # to vEthernet (NAME), which needs seconds for its lease. Wait for its
    # address and default route, at most 20 s, before the after-state is
    # taken: 'true', or 'false' when they have not come back (settling).
    param([string]$Name, [bool]$Shared)
    if (-not $Shared) { return 'true' }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        $nic = @(Get-CimInstance @script:Std -ClassName MSFT_NetAdapter | Where-Object { $_.Name -ceq "vEthernet ($Name)" })
        if ($nic.Count -gt 0) {
            $idx = [int64]$nic[0].InterfaceIndex
            $ip = @(Get-CimInstance @script:Std -ClassName MSFT_NetIPAddress -Filter "AddressFamily = 2 AND Store = 1 AND InterfaceIndex = $idx")
            $route = @(Get-CimInstance @script:Std -ClassName MSFT_NetRoute -Filter "DestinationPrefix = '0.0.0.0/0' AND Store = 1 AND InterfaceIndex = $idx")
            if ($ip.Count -gt 0 -and $route.Count -gt 0) { return 'true' }
        }
        if ($watch.ElapsedMilliseconds -ge 20000) { return 'false' }
        Start-Sleep -Milliseconds 500
    }
}

function Set-HyperVAdminMember {
    # A.2: counts from the member's next sign-in (a new token). Not
    # Get-LocalGroupMember first: it fails on groups that hold orphaned or
    # Entra ID SIDs; the error ids say when it was so already.
    param([string]$Sid, [bool]$Member)
    try {
        if ($Member) { Add-LocalGroupMember -SID $script:HyperVAdmins -Member $Sid }
        else { Remove-LocalGroupMember -SID $script:HyperVAdmins -Member $Sid }
    } catch {
        $already = 'MemberNotFound,*'
        if ($Member) { $already = 'MemberExists,*' }
        if ([string]$_.FullyQualifiedErrorId -like $already) { return @{ effect = 'none' } }
        throw
    }
    return @{ effect = 'changed' }
}

function Get-SwitchById {
    param([string]$Id)
    return Get-VMSwitch -Id $Id -ComputerName localhost
}

function Assert-OurRule {
    param([string]$Name)
    if (-not $Name.StartsWith($script:RulePrefix)) {
        throw (New-Object System.InvalidOperationException 'refusing to change a rule wslbridge did not make')
    }
}

function Invoke-Netsh {
    # netsh takes name=value words; its output is localized, so only the
    # exit code is judged. Values are checked by wslbridge (addresses, ports).
    param([string[]]$Words)
    $exe = Join-Path $env:SystemRoot 'System32\netsh.exe'
    # D.18: netsh writes the console's OEM code page, not UTF-8.
    $oem = [System.Text.Encoding]::GetEncoding([System.Globalization.CultureInfo]::CurrentCulture.TextInfo.OEMCodePage)
    $r = Invoke-Native $exe $Words $oem
    if ($r.code -ne 0) {
        throw (New-Object System.InvalidOperationException ("netsh exited with code $($r.code)" + ': ' + ((@($r.out + $r.err) -join ' ').Trim())))
    }
}

function Invoke-Action {
    param($Action)
    $type = $Action.GetAttribute('type')
    $allowMos = $Action.GetAttribute('allow-management-os') -eq 'true'
    switch ($type) {
        'create-switch' {
            # The plan may have been made blind (A.1): look first. A switch
            # with this name, our note and this uplink is the one wanted.
            $a = Get-AdapterByGuid $Action.GetAttribute('adapter-guid')
            $name = $Action.GetAttribute('name')
            $guid = $a.InterfaceGuid.ToUpper()
            foreach ($sw in @(Get-VMSwitch -ComputerName localhost)) {
                $uplink = @($sw.NetAdapterInterfaceGuid | Where-Object { $null -ne $_ } | ForEach-Object { Format-BracedGuid $_ })
                if ($sw.Name -cne $name) {
                    # E.21: one external switch an adapter; a blind plan cannot know it
                    if ($uplink -contains $guid) {
                        throw (New-Object System.InvalidOperationException "the external switch '$($sw.Name)' uses this adapter already: run again with --switch '$($sw.Name)'")
                    }
                    continue
                }
                if ($sw.Notes -eq $script:CreatedNote -and $uplink -contains $guid -and [int]$sw.SwitchType -eq 2 -and [bool]$sw.AllowManagementOS -eq $allowMos) {
                    return @{ 'switch-id' = [string]$sw.Id; effect = 'none' }
                }
                throw (New-Object System.InvalidOperationException "a switch named '$name' exists already and is not the one wslbridge would create (id $($sw.Id))")
            }
            $sw = New-VMSwitch -Name $name -NetAdapterInterfaceDescription $a.InterfaceDescription -AllowManagementOS $allowMos -Notes $script:CreatedNote -ComputerName localhost
            return @{ 'switch-id' = [string]$sw.Id; effect = 'changed'; settled = (Wait-Settled $name $allowMos) }
        }
        'bind-switch' {
            $a = Get-AdapterByGuid $Action.GetAttribute('adapter-guid')
            $sw = Get-SwitchById $Action.GetAttribute('switch-id')
            Set-VMSwitch -VMSwitch $sw -NetAdapterInterfaceDescription $a.InterfaceDescription -AllowManagementOS $allowMos
            return @{ 'switch-id' = [string]$sw.Id; effect = 'changed'; settled = (Wait-Settled $sw.Name $allowMos) }
        }
        'remove-switch' {
            # Removing is "make it absent": a switch already gone is done.
            $id = $Action.GetAttribute('switch-id')
            $sw = @(Get-VMSwitch -ComputerName localhost | Where-Object { [string]$_.Id -eq $id })
            if ($sw.Count -eq 0) { return @{ 'switch-id' = $id; effect = 'none' } }
            $sw = $sw[0]
            if ($sw.Notes -ne $script:CreatedNote) {
                throw (New-Object System.InvalidOperationException 'refusing to remove a switch wslbridge did not create')
            }
            foreach ($n in @(Get-VMNetworkAdapter -All -ComputerName localhost)) {
                if (-not $n.IsManagementOs -and [string]$n.SwitchId -eq [string]$sw.Id) {
                    throw (New-Object System.InvalidOperationException 'refusing to remove a switch that virtual machines use')
                }
            }
            Remove-VMSwitch -VMSwitch $sw -Force -Confirm:$false
            return @{ 'switch-id' = $id; effect = 'changed' }
        }
        'hyperv-admin-add' { return Set-HyperVAdminMember $Action.GetAttribute('sid') $true }
        'hyperv-admin-remove' { return Set-HyperVAdminMember $Action.GetAttribute('sid') $false }
        'set-binding' {
            $a = Get-AdapterByGuid $Action.GetAttribute('adapter-guid')
            $component = $Action.GetAttribute('component')
            if ($Action.GetAttribute('enabled') -eq 'true') {
                Enable-NetAdapterBinding -InterfaceDescription $a.InterfaceDescription -ComponentID $component -Confirm:$false
            } else {
                Disable-NetAdapterBinding -InterfaceDescription $a.InterfaceDescription -ComponentID $component -Confirm:$false
            }
        }
        'set-metric' {
            $a = Get-AdapterByGuid $Action.GetAttribute('adapter-guid')
            Set-NetIPInterface -InterfaceIndex $a.InterfaceIndex -AddressFamily IPv4 -InterfaceMetric ([int]$Action.GetAttribute('metric')) -Confirm:$false
        }
        'hvfw-allow' {
            # "make it present": our rule already there (an undo run again) is done
            Assert-OurRule $Action.GetAttribute('name')
            if (@(Get-NetFirewallHyperVRule -Name $Action.GetAttribute('name') -ErrorAction SilentlyContinue).Count -gt 0) { return @{ effect = 'none' } }
            $null = New-NetFirewallHyperVRule -Name $Action.GetAttribute('name') -DisplayName $Action.GetAttribute('display-name') -Direction Inbound -VMCreatorId $script:WslCreatorId -Protocol $Action.GetAttribute('protocol') -LocalPorts $Action.GetAttribute('port') -Action Allow -Enabled True
        }
        'hvfw-remove' {
            # Removing is "make it absent": a rule already gone is not an error.
            Assert-OurRule $Action.GetAttribute('name')
            if (@(Get-NetFirewallHyperVRule -Name $Action.GetAttribute('name') -ErrorAction SilentlyContinue).Count -gt 0) {
                Remove-NetFirewallHyperVRule -Name $Action.GetAttribute('name') -Confirm:$false
            }
        }
        'portproxy-set' {
            $la = $Action.GetAttribute('listen-address')
            $lp = $Action.GetAttribute('listen-port')
            $pp = Get-RegistryValues $script:PortProxyKey
            $verb = 'add'
            if ($null -ne $pp -and $null -ne $pp.PSObject.Properties[$la + '/' + $lp]) { $verb = 'set' }
            Invoke-Netsh @('interface', 'portproxy', $verb, 'v4tov4', ('listenport=' + $lp), ('listenaddress=' + $la),
                ('connectport=' + $Action.GetAttribute('connect-port')), ('connectaddress=' + $Action.GetAttribute('connect-address')))
        }
        'portproxy-delete' {
            $pp = Get-RegistryValues $script:PortProxyKey
            $key = $Action.GetAttribute('listen-address') + '/' + $Action.GetAttribute('listen-port')
            if ($null -eq $pp -or $null -eq $pp.PSObject.Properties[$key]) { return }
            Invoke-Netsh @('interface', 'portproxy', 'delete', 'v4tov4', ('listenport=' + $Action.GetAttribute('listen-port')),
                ('listenaddress=' + $Action.GetAttribute('listen-address')))
        }
        'fwrule-add' {
            # netsh would add a second rule of the same name: present is done
            Assert-OurRule $Action.GetAttribute('name')
            $filter = "ElementName = '" + $Action.GetAttribute('name') + "'"
            if (@(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetFirewallRule -Filter $filter -ErrorAction SilentlyContinue).Count -gt 0) { return @{ effect = 'none' } }
            $words = @('advfirewall', 'firewall', 'add', 'rule', ('name=' + $Action.GetAttribute('name')), 'dir=in', 'action=allow',
                'protocol=TCP', ('localport=' + $Action.GetAttribute('port')))
            if ($Action.GetAttribute('listen-address') -ne '0.0.0.0') { $words += ('localip=' + $Action.GetAttribute('listen-address')) }
            Invoke-Netsh $words
        }
        'fwrule-delete' {
            Assert-OurRule $Action.GetAttribute('name')
            $filter = "ElementName = '" + $Action.GetAttribute('name') + "'"
            if (@(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetFirewallRule -Filter $filter -ErrorAction SilentlyContinue).Count -eq 0) { return }
            Invoke-Netsh @('advfirewall', 'firewall', 'delete', 'rule', ('name=' + $Action.GetAttribute('name')))
        }
        default {
            throw (New-Object System.ArgumentException "unknown action type $type")
        }
    }
}

function Invoke-Apply {
    param($Doc)
    $w = New-ResponseWriter
    $w.WriteStartElement('results')
    $failed = $false
    foreach ($action in @($Doc.request.SelectNodes('action'))) {
        $w.WriteStartElement('result')
        Write-Attr $w 'id' $action.GetAttribute('id')
        if (-not $failed -and -not [System.IO.File]::Exists($Request)) {
            # wslbridge gave up and removed the folder: act no further.
            $failed = $true
        }
        if ($failed) {
            # After a failure the rest is not attempted: the caller decides.
            Write-Attr $w 'status' 'skipped'
        } else {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            try {
                $extra = Invoke-Action $action
                Write-Attr $w 'status' 'ok'
                Write-Attr $w 'ms' $watch.ElapsedMilliseconds
                if ($extra -is [hashtable]) {
                    foreach ($k in 'switch-id', 'effect', 'settled') { if ($extra.ContainsKey($k)) { Write-Attr $w $k $extra[$k] } }
                }
            } catch {
                $failed = $true
                $facts = Get-ErrorFacts $_
                Write-Attr $w 'status' 'error'
                foreach ($k in 'fqid', 'category', 'hresult', 'inner', 'exception', 'message') {
                    Write-Attr $w $k $facts[$k]
                }
            }
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    Write-HostState $w
    Close-ResponseWriter $w
}

# --- checking the request --------------------------------------------------

# What each action may carry (templates/host-protocol.rng says the same):
# a value of a kind below, '?' before the kind when it may be absent.
$script:ActionShapes = @{
    'create-switch'    = @{ 'name' = 'switch-name'; 'adapter-guid' = 'braced-guid'; 'allow-management-os' = '?bool' }
    'bind-switch'      = @{ 'switch-id' = 'guid'; 'adapter-guid' = 'braced-guid'; 'allow-management-os' = '?bool' }
    'remove-switch'    = @{ 'switch-id' = 'guid' }
    'hyperv-admin-add' = @{ 'sid' = 'sid' }
    'hyperv-admin-remove' = @{ 'sid' = 'sid' }
    'set-binding'      = @{ 'adapter-guid' = 'braced-guid'; 'component' = 'component'; 'enabled' = 'bool' }
    'set-metric'       = @{ 'adapter-guid' = 'braced-guid'; 'metric' = 'metric' }
    'hvfw-allow'       = @{ 'name' = 'rule-name'; 'display-name' = 'display-name'; 'protocol' = 'protocol'; 'port' = 'port' }
    'hvfw-remove'      = @{ 'name' = 'rule-name' }
    'portproxy-set'    = @{ 'listen-address' = 'address'; 'listen-port' = 'port'; 'connect-address' = 'address'; 'connect-port' = 'port' }
    'portproxy-delete' = @{ 'listen-address' = 'address'; 'listen-port' = 'port' }
    'fwrule-add'       = @{ 'name' = 'rule-name'; 'port' = 'port'; 'listen-address' = 'ipv4' }
    'fwrule-delete'    = @{ 'name' = 'rule-name' }
}
$script:Octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
$script:Label = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
$script:ValueKinds = @{
    'guid'         = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'
    'braced-guid'  = '^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$'
    'bool'         = '^(true|false)$'
    # a ComponentID, one word: Windows judges it
    'component'    = '^[A-Za-z0-9_]{1,64}$'
    'protocol'     = '^(TCP|UDP)$'
    'rule-name'    = '^wslbridge-[a-z0-9.-]{1,200}$'
    # Hyper-V takes any name; control characters other than tab and line
    # breaks cannot even travel in XML.
    'switch-name'  = '^[^\x00-\x08\x0B\x0C\x0E-\x1F]{1,255}$'
    'display-name' = '^[^\x00-\x1F\x7F]{1,255}$'
    'ipv4'         = '^' + $script:Octet + '(\.' + $script:Octet + '){3}$'
    # what netsh takes as an address: IPv4, a host name, or * (any)
    'address'      = '^(\*|' + $script:Label + '(\.' + $script:Label + ')*)$'
    'port'         = '^[1-9][0-9]{0,4}$'
    'metric'       = '^(0|[1-9][0-9]{0,3})$'
    'sid'          = '^S-1-[0-9]+(-[0-9]+){1,15}$'
}

function Test-ActionValue {
    param([string]$Kind, [string]$Value)
    if ($Value -cnotmatch $script:ValueKinds[$Kind]) { return $false }
    if ($Kind -eq 'port') { return [int]$Value -le 65535 }
    return $true
}

function Get-RequestProblem {
    # Why the request cannot be carried out as it is, or '' when it can:
    # checked whole before any action runs, so a bad value changes nothing.
    param($Doc)
    $root = $Doc.DocumentElement
    if ($null -eq $root -or $root.LocalName -ne 'request' -or $root.GetAttribute('version') -ne $script:ProtocolVersion) {
        return 'it is not a version ' + $script:ProtocolVersion + ' <request>'
    }
    $op = $root.GetAttribute('op')
    if ($op -ne 'observe' -and $op -ne 'apply') { return "unknown op '$op'" }
    foreach ($name in 'caller-profile', 'caller-temp') {
        if ($root.HasAttribute($name) -and $root.GetAttribute($name) -cnotmatch '^[A-Za-z]:\\[^\x00-\x1F"]{0,259}$') { return "'$name' is not a Windows path" }
    }
    if ($root.HasAttribute('facts') -and $root.GetAttribute('facts') -cnotmatch '^((switches|hyperv-firewall)( |$))*$') { return "'facts' names facts the agent does not know" }
    $ids = @{}
    foreach ($node in @($root.ChildNodes)) {
        if ($node.NodeType -ne [System.Xml.XmlNodeType]::Element) { continue }
        if ($op -ne 'apply' -or $node.LocalName -ne 'action') { return "unexpected <$($node.LocalName)> in an $op request" }
        $id = $node.GetAttribute('id')
        $type = $node.GetAttribute('type')
        if ($id -cnotmatch '^[1-9][0-9]{0,3}$' -or $ids.ContainsKey($id)) { return "action id '$id' is not a new number" }
        $ids[$id] = $true
        if (-not $script:ActionShapes.ContainsKey($type)) { return "action $id has the unknown type '$type'" }
        $shape = $script:ActionShapes[$type]
        foreach ($attr in @($node.Attributes)) {
            $name = $attr.LocalName
            if ($name -eq 'id' -or $name -eq 'type') { continue }
            if (-not $shape.ContainsKey($name)) { return "action $id ($type) has an unexpected attribute '$name'" }
            if (-not (Test-ActionValue $shape[$name].TrimStart('?') $attr.Value)) {
                return "action $id ($type): '$name' is not a valid $($shape[$name].TrimStart('?'))"
            }
        }
        foreach ($name in $shape.Keys) {
            if (-not $shape[$name].StartsWith('?') -and -not $node.HasAttribute($name)) { return "action $id ($type) lacks '$name'" }
        }
    }
    return ''
}

# --- main ------------------------------------------------------------------

function Get-Sha256Hex {
    param([byte[]]$Bytes)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { return ([System.BitConverter]::ToString($sha.ComputeHash($Bytes)) -replace '-', '').ToLower() }
    finally { $sha.Dispose() }
}

function Read-Request {
    # Read once: the bytes hashed are the bytes parsed. $null when they are
    # not the request wslbridge wrote.
    $bytes = [System.IO.File]::ReadAllBytes($Request)
    if ($bytes.Length -gt 1048576 -or (Get-Sha256Hex $bytes) -ne $RequestSha256.ToLower()) { return $null }
    $settings = New-Object System.Xml.XmlReaderSettings
    $settings.DtdProcessing = [System.Xml.DtdProcessing]::Prohibit
    $settings.XmlResolver = $null
    $reader = [System.Xml.XmlReader]::Create((New-Object System.IO.MemoryStream (, $bytes)), $settings)
    try {
        $doc = New-Object System.Xml.XmlDocument
        $doc.XmlResolver = $null
        $doc.Load($reader)
    } finally { $reader.Close() }
    return $doc
}

function Test-NeedsAdmin {
    param($Doc)
    return @($Doc.request.SelectNodes('action')).Count -gt 0
}

# The elevated process's whole program, after one line of data ($d: base64
# of the agent's path, the request's and the response's, then the two
# hashes). Only .NET calls before PSModulePath is pinned: a cmdlet could
# autoload a module from the user-writable first entry (B.10).
$script:Bootstrap = {
    if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') { exit 5 }
    $env:PSModulePath = [System.IO.Path]::Combine($PSHOME, 'Modules')
    $ErrorActionPreference = 'Stop'
    $u = New-Object System.Text.UTF8Encoding $false, $true
    $f = $u.GetString([System.Convert]::FromBase64String($d[0]))
    $b = [System.IO.File]::ReadAllBytes($f)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    if (([System.BitConverter]::ToString($sha.ComputeHash($b)) -replace '-', '') -ne $d[3]) { exit 3 }
    $errs = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($u.GetString($b), $f, [ref]$null, [ref]$errs)
    if ($errs.Count -gt 0) { exit 3 }
    $agent = $ast.GetScriptBlock()
    $named = @{
        Request = $u.GetString([System.Convert]::FromBase64String($d[1]))
        Response = $u.GetString([System.Convert]::FromBase64String($d[2]))
        AgentSha256 = $d[3]
        RequestSha256 = $d[4]
        Elevated = $true
    }
    & $agent @named
    exit $LASTEXITCODE
}

function Get-EncodedBootstrap {
    # Paths travel as base64 and hashes as checked hex: data, never code.
    $u = New-Object System.Text.UTF8Encoding $false
    $data = @($PSCommandPath, $Request, $Response) | ForEach-Object { "'" + [System.Convert]::ToBase64String($u.GetBytes([string]$_)) + "'" }
    $text = '$d = ' + ($data -join ', ') + ", '" + $AgentSha256.ToUpper() + "', '" + $RequestSha256.ToLower() + "'`n" + $script:Bootstrap.ToString()
    return [System.Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($text))
}

function Invoke-Elevated {
    # B.6: Start-Process -Verb RunAs keeps only the message of a declined
    # prompt; Process.Start keeps the Win32Exception (1223: declined).
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = Join-Path $PSHOME 'powershell.exe'
    $psi.Arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ' + (Get-EncodedBootstrap)
    $psi.UseShellExecute = $true
    $psi.Verb = 'runas'
    $psi.WindowStyle = [System.Diagnostics.ProcessWindowStyle]::Hidden
    # wslbridge holds its timeout from the first mark to the second: a
    # person may take minutes to find and answer the prompt (B.9).
    $folder = Split-Path -Parent $Response
    [System.IO.File]::WriteAllText((Join-Path $folder 'elevating'), '')
    try {
        $p = [Diagnostics.Process]::Start($psi)
        [System.IO.File]::WriteAllText((Join-Path $folder 'answered'), '')
    } catch {
        $facts = Get-ErrorFacts $_
        $win32 = 0
        $inner = $_.Exception.InnerException
        if ($null -ne $inner -and $inner -is [System.ComponentModel.Win32Exception]) { $win32 = $inner.NativeErrorCode }
        elseif ($_.Exception -is [System.ComponentModel.Win32Exception]) { $win32 = $_.Exception.NativeErrorCode }
        $facts['win32'] = [string]$win32
        if ($win32 -eq 1223) { Write-FatalResponse 'uac-declined' $facts }
        else { Write-FatalResponse 'elevation-failed' $facts }
        return
    }
    $p.WaitForExit()
    if (Test-Path -LiteralPath $Response) { return }
    if ($p.ExitCode -eq 5) {
        # C.11: a command line runs constrained under application control,
        # signed agent or not.
        Write-FatalResponse 'constrained-language' @{ message = 'the elevated step runs in ConstrainedLanguage mode (application control)' }
    } elseif ($p.ExitCode -eq 3) {
        # The bootstrap found other bytes than wslbridge's agent, or the
        # elevated agent another request: it ran nothing of them.
        Write-FatalResponse 'hash-mismatch' @{ message = 'the agent or request file changed in %TEMP% before the elevated run' }
    } else {
        Write-FatalResponse 'elevated-no-response' @{ message = "the elevated agent exited with code $($p.ExitCode) without a response" }
    }
}

try {
    if ($AgentSha256 -cnotmatch '^[0-9A-Fa-f]{64}$' -or $RequestSha256 -cnotmatch '^[0-9A-Fa-f]{64}$') {
        Write-FatalResponse 'bad-request' @{ message = 'the agent and request hashes must be SHA-256 in hex' }
        exit 2
    }
    $doc = Read-Request
    if ($null -eq $doc) {
        Write-FatalResponse 'hash-mismatch' @{ message = 'the request file is not the one wslbridge wrote' }
        exit 3
    }
    $problem = Get-RequestProblem $doc
    if ($problem -ne '') {
        Write-FatalResponse 'bad-request' @{ message = $problem }
        exit 2
    }
    $cp = $doc.request.GetAttribute('caller-profile')
    $ct = $doc.request.GetAttribute('caller-temp')
    if ($cp -ne '' -and $ct -ne '') { $script:Caller = @{ profile = $cp; temp = $ct } }
    if ($doc.request.HasAttribute('facts')) { $script:Facts = @($doc.request.GetAttribute('facts').Split(' ') | Where-Object { $_ -ne '' }) }
    if ($Elevated -and -not (Test-InRole 'S-1-5-32-544')) {
        # B.8: with UAC off, RunAs starts a standard user's copy unelevated.
        Write-FatalResponse 'not-elevated' @{ message = 'the copy started to run as administrator is not elevated (UAC is off and this account is not an administrator)' }
        exit 4
    }
    if ($doc.request.GetAttribute('op') -eq 'observe') {
        $w = New-ResponseWriter
        Write-HostState $w
        Close-ResponseWriter $w
    } elseif ((Test-NeedsAdmin $doc) -and -not (Test-InRole 'S-1-5-32-544') -and -not $Elevated) {
        Invoke-Elevated
    } else {
        Invoke-Apply $doc
    }
    exit 0
} catch {
    Write-FatalResponse 'agent-failed' (Get-ErrorFacts $_)
    exit 1
}
