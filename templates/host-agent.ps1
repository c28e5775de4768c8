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
# elevated powershell.exe through UAC (Start-Process -Verb RunAs -Wait) with
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
$script:PortProxyKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\PortProxy\v4tov4\tcp'

# --- response writing ------------------------------------------------------

function Get-CleanText {
    param([object]$Value)
    if ($null -eq $Value) { return '' }
    # XmlWriter refuses control characters; adapter names never need them.
    return ([string]$Value) -replace '[\x00-\x08\x0B\x0C\x0E-\x1F]', '?'
}

function Write-Attr {
    param($Writer, [string]$Name, [object]$Value)
    if ($null -ne $Value) { $Writer.WriteAttributeString($Name, (Get-CleanText $Value)) }
}

function New-ResponseWriter {
    param([string]$Path)
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
    param($Writer)
    $Writer.WriteEndElement()
    $Writer.WriteEndDocument()
    $Writer.Flush()
    $Writer.Close()
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

function Write-ErrorElement {
    param($Writer, [string]$Kind, [hashtable]$Facts)
    $Writer.WriteStartElement('error')
    Write-Attr $Writer 'kind' $Kind
    foreach ($k in 'fqid', 'category', 'hresult', 'inner', 'exception', 'message', 'win32') {
        if ($Facts.ContainsKey($k)) { Write-Attr $Writer $k $Facts[$k] }
    }
    $Writer.WriteEndElement()
}

function Write-FatalResponse {
    param([string]$Kind, [hashtable]$Facts)
    $w = New-ResponseWriter $Response
    Write-ErrorElement $w $Kind $Facts
    Close-ResponseWriter $w
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

function Get-WslVersionFacts {
    # wsl.exe --version: 7 localized "label: value" lines, UTF-16LE unless
    # WSL_UTF8=1. Take values by position, never by label. Inbox wsl.exe has
    # no --version at all.
    $facts = @{ version = ''; kernel = ''; windows = ''; inbox = 'false' }
    $exe = Join-Path $env:SystemRoot 'System32\wsl.exe'
    if (-not (Test-Path -LiteralPath $exe)) { $facts.inbox = 'missing'; return $facts }
    $env:WSL_UTF8 = '1'
    try { $out = & $exe --version 2>&1 } catch { $out = @() }
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

function Write-WindowsFacts {
    param($Writer)
    $cv = Get-RegistryValues 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    $Writer.WriteStartElement('windows')
    if ($null -ne $cv) {
        Write-Attr $Writer 'build' $cv.CurrentBuildNumber
        Write-Attr $Writer 'ubr' $cv.UBR
        Write-Attr $Writer 'edition' $cv.EditionID
        Write-Attr $Writer 'installation' $cv.InstallationType
        Write-Attr $Writer 'display-version' $cv.DisplayVersion
    }
    # DisabledComponents=0xFF makes WSL fall back from mirrored to NAT.
    $tcp6 = Get-RegistryValues 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip6\Parameters'
    if ($null -ne $tcp6 -and $null -ne $tcp6.DisabledComponents) {
        Write-Attr $Writer 'ipv6-disabled-components' ([int64]$tcp6.DisabledComponents)
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('user')
    Write-Attr $Writer 'profile' $env:USERPROFILE
    Write-Attr $Writer 'temp' $env:TEMP
    Write-Attr $Writer 'elevated' ([string](Test-InRole 'S-1-5-32-544')).ToLower()
    Write-Attr $Writer 'admin-member' ([string](Test-AdminMember)).ToLower()
    Write-Attr $Writer 'hyperv-admin' ([string](Test-InRole 'S-1-5-32-578')).ToLower()
    $Writer.WriteEndElement()

    $crypto = Get-RegistryValues 'HKLM:\SOFTWARE\Microsoft\Cryptography'
    $Writer.WriteStartElement('machine')
    if ($null -ne $crypto) { Write-Attr $Writer 'guid' $crypto.MachineGuid }
    $Writer.WriteEndElement()

    $module = $null -ne (Get-Command -Name 'Get-VMSwitch' -ErrorAction SilentlyContinue)
    $hypervisor = ''
    try { $hypervisor = [string](Get-CimInstance -ClassName Win32_ComputerSystem).HypervisorPresent } catch { }
    $vmms = ''
    try { $vmms = [string](Get-Service -Name 'vmms').Status } catch { $vmms = 'missing' }
    # WSL turns DNS tunneling off while Global Secure Access runs.
    $gsa = 'missing'
    try { $gsa = [string](Get-Service -Name 'GlobalSecureAccessTunnelingService').Status } catch { }
    $Writer.WriteStartElement('services')
    Write-Attr $Writer 'global-secure-access' $gsa
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('hyperv')
    Write-Attr $Writer 'module' ([string]$module).ToLower()
    Write-Attr $Writer 'hypervisor-present' $hypervisor.ToLower()
    Write-Attr $Writer 'vmms' $vmms
    $Writer.WriteEndElement()

    $wsl = Get-WslVersionFacts
    $Writer.WriteStartElement('wsl')
    Write-Attr $Writer 'version' $wsl.version
    Write-Attr $Writer 'kernel' $wsl.kernel
    Write-Attr $Writer 'windows' $wsl.windows
    Write-Attr $Writer 'inbox' $wsl.inbox
    $Writer.WriteEndElement()

    $pol = Get-RegistryValues 'HKLM:\SOFTWARE\Policies\WSL'
    $Writer.WriteStartElement('policy')
    if ($null -ne $pol) {
        Write-Attr $Writer 'allow-networking-mode' $pol.AllowNetworkingModeUserSetting
        Write-Attr $Writer 'default-networking-mode' $pol.DefaultNetworkingMode
        Write-Attr $Writer 'allow-firewall' $pol.AllowFirewallUserSetting
    }
    $Writer.WriteEndElement()
}

function Write-AdapterFacts {
    param($Writer)
    $ipif = @{}
    foreach ($i in @(Get-NetIPInterface -AddressFamily IPv4 -ErrorAction SilentlyContinue)) {
        $ipif[[int]$i.InterfaceIndex] = $i
    }
    $dns = @{}
    foreach ($d in @(Get-DnsClientServerAddress -AddressFamily IPv4 -ErrorAction SilentlyContinue)) {
        $dns[[int]$d.InterfaceIndex] = $d
    }
    $suffix = @{}
    foreach ($c in @(Get-DnsClient -ErrorAction SilentlyContinue)) {
        $suffix[[int]$c.InterfaceIndex] = $c.ConnectionSpecificSuffix
    }
    $addrs = @(Get-NetIPAddress -AddressFamily IPv4 -ErrorAction SilentlyContinue)

    $Writer.WriteStartElement('adapters')
    foreach ($a in @(Get-NetAdapter -IncludeHidden -ErrorAction SilentlyContinue)) {
        $idx = [int]$a.InterfaceIndex
        $Writer.WriteStartElement('adapter')
        Write-Attr $Writer 'name' $a.Name
        Write-Attr $Writer 'description' $a.InterfaceDescription
        Write-Attr $Writer 'guid' $a.InterfaceGuid
        Write-Attr $Writer 'mac' $a.MacAddress
        Write-Attr $Writer 'status' $a.Status
        Write-Attr $Writer 'ifindex' $idx
        Write-Attr $Writer 'virtual' ([string]$a.Virtual).ToLower()
        Write-Attr $Writer 'hardware' ([string]$a.HardwareInterface).ToLower()
        Write-Attr $Writer 'connector' ([string]$a.ConnectorPresent).ToLower()
        Write-Attr $Writer 'physical-medium' ([int]$a.NdisPhysicalMedium)
        Write-Attr $Writer 'media-connect' ([int]$a.MediaConnectState)
        if ($ipif.ContainsKey($idx)) {
            Write-Attr $Writer 'mtu' ([int]$ipif[$idx].NlMtu)
            Write-Attr $Writer 'metric' ([int]$ipif[$idx].InterfaceMetric)
            Write-Attr $Writer 'automatic-metric' ([int]$ipif[$idx].AutomaticMetric)
        }
        if ($suffix.ContainsKey($idx)) { Write-Attr $Writer 'dns-suffix' $suffix[$idx] }
        if ($a.HardwareInterface -or $a.ConnectorPresent) {
            foreach ($b in @(Get-NetAdapterBinding -InterfaceDescription $a.InterfaceDescription -AllBindings -ErrorAction SilentlyContinue)) {
                if (@('vms_pp', 'vmware_bridge', 'ms_tcpip', 'ms_tcpip6') -contains $b.ComponentID) {
                    $Writer.WriteStartElement('binding')
                    Write-Attr $Writer 'component' $b.ComponentID
                    Write-Attr $Writer 'enabled' ([string]$b.Enabled).ToLower()
                    $Writer.WriteEndElement()
                }
            }
        }
        foreach ($ip in $addrs) {
            if ([int]$ip.InterfaceIndex -eq $idx) {
                $Writer.WriteStartElement('ipv4')
                Write-Attr $Writer 'address' $ip.IPAddress
                Write-Attr $Writer 'prefix' ([int]$ip.PrefixLength)
                $Writer.WriteEndElement()
            }
        }
        if ($dns.ContainsKey($idx)) {
            foreach ($s in @($dns[$idx].ServerAddresses)) {
                $Writer.WriteStartElement('dns')
                Write-Attr $Writer 'server' $s
                $Writer.WriteEndElement()
            }
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('routes')
    foreach ($r in @(Get-NetRoute -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue)) {
        $Writer.WriteStartElement('route')
        Write-Attr $Writer 'prefix' $r.DestinationPrefix
        Write-Attr $Writer 'next-hop' $r.NextHop
        Write-Attr $Writer 'ifindex' ([int]$r.InterfaceIndex)
        Write-Attr $Writer 'metric' ([int]$r.RouteMetric)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $global = $null
    try { $global = Get-DnsClientGlobalSetting } catch { }
    $Writer.WriteStartElement('dns-search')
    if ($null -ne $global) {
        foreach ($s in @($global.SuffixSearchList)) {
            $Writer.WriteStartElement('suffix')
            Write-Attr $Writer 'name' $s
            $Writer.WriteEndElement()
        }
    }
    $Writer.WriteEndElement()
}

function Write-SwitchFacts {
    param($Writer)
    $Writer.WriteStartElement('switches')
    if ($null -ne (Get-Command -Name 'Get-VMSwitch' -ErrorAction SilentlyContinue)) {
        foreach ($s in @(Get-VMSwitch -ComputerName localhost -ErrorAction SilentlyContinue)) {
            $Writer.WriteStartElement('switch')
            Write-Attr $Writer 'id' $s.Id
            Write-Attr $Writer 'name' $s.Name
            Write-Attr $Writer 'type' ([int]$s.SwitchType)
            Write-Attr $Writer 'allow-management-os' ([string]$s.AllowManagementOS).ToLower()
            Write-Attr $Writer 'notes' $s.Notes
            foreach ($g in @($s.NetAdapterInterfaceGuid)) {
                if ($null -eq $g) { continue }
                $Writer.WriteStartElement('uplink')
                Write-Attr $Writer 'guid' ('{' + ([string]$g).ToUpper() + '}')
                $Writer.WriteEndElement()
            }
            $Writer.WriteEndElement()
        }
        foreach ($n in @(Get-VMNetworkAdapter -All -ComputerName localhost -ErrorAction SilentlyContinue)) {
            if ($n.IsManagementOs -or $null -eq $n.SwitchId) { continue }
            $Writer.WriteStartElement('vm-nic')
            Write-Attr $Writer 'vm' $n.VMName
            Write-Attr $Writer 'switch-id' $n.SwitchId
            $Writer.WriteEndElement()
        }
    }
    $Writer.WriteEndElement()

    # CIM sees what the cmdlets hide, and works without the Hyper-V module.
    $Writer.WriteStartElement('external-ports')
    foreach ($p in @(Get-CimInstance -Namespace 'root/virtualization/v2' -ClassName Msvm_ExternalEthernetPort -ErrorAction SilentlyContinue)) {
        $Writer.WriteStartElement('port')
        Write-Attr $Writer 'name' $p.ElementName
        Write-Attr $Writer 'mac' $p.PermanentAddress
        Write-Attr $Writer 'bound' ([string]$p.IsBound).ToLower()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-ForwardingFacts {
    param($Writer)
    # Hyper-V firewall (Windows 11 22H2+): WSL's setting and rules.
    $hv = $null -ne (Get-Command -Name 'New-NetFirewallHyperVRule' -ErrorAction SilentlyContinue)
    $Writer.WriteStartElement('hyperv-firewall')
    Write-Attr $Writer 'present' ([string]$hv).ToLower()
    if ($hv) {
        try {
            $setting = Get-NetFirewallHyperVVMSetting -PolicyStore ActiveStore -Name $script:WslCreatorId
            Write-Attr $Writer 'enabled' $setting.Enabled
            Write-Attr $Writer 'default-inbound' $setting.DefaultInboundAction
        } catch { }
        foreach ($r in @(Get-NetFirewallHyperVRule -VMCreatorId $script:WslCreatorId -ErrorAction SilentlyContinue)) {
            $Writer.WriteStartElement('rule')
            Write-Attr $Writer 'name' $r.Name
            Write-Attr $Writer 'direction' $r.Direction
            Write-Attr $Writer 'protocol' $r.Protocol
            Write-Attr $Writer 'local-ports' (@($r.LocalPorts) -join ',')
            Write-Attr $Writer 'action' $r.Action
            Write-Attr $Writer 'enabled' $r.Enabled
            $Writer.WriteEndElement()
        }
    }
    $Writer.WriteEndElement()

    # netsh keeps v4tov4 rules as registry values "addr/port" = "addr/port":
    # reading them there avoids parsing netsh's localized table.
    $Writer.WriteStartElement('portproxy')
    $pp = Get-RegistryValues $script:PortProxyKey
    if ($null -ne $pp) {
        foreach ($p in $pp.PSObject.Properties) {
            if ($p.Name -notmatch '^[^/]+/[0-9]+$') { continue }
            $listen = $p.Name.Split('/')
            $connect = ([string]$p.Value).Split('/')
            $Writer.WriteStartElement('rule')
            Write-Attr $Writer 'listen-address' $listen[0]
            Write-Attr $Writer 'listen-port' $listen[1]
            Write-Attr $Writer 'connect-address' $connect[0]
            if ($connect.Count -gt 1) { Write-Attr $Writer 'connect-port' $connect[1] }
            $Writer.WriteEndElement()
        }
    }
    $Writer.WriteEndElement()

    # Windows Firewall rules wslbridge made (their display name is ours).
    $Writer.WriteStartElement('firewall-rules')
    $filter = "ElementName LIKE '" + $script:RulePrefix + "%'"
    foreach ($r in @(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetFirewallRule -Filter $filter -ErrorAction SilentlyContinue)) {
        $Writer.WriteStartElement('rule')
        Write-Attr $Writer 'name' $r.ElementName
        Write-Attr $Writer 'enabled' $r.Enabled
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
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
    foreach ($a in @(Get-NetAdapter -IncludeHidden)) {
        if ([string]$a.InterfaceGuid -eq $Guid) { return $a }
    }
    throw (New-Object System.Management.Automation.ItemNotFoundException "no adapter with InterfaceGuid $Guid")
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
    $out = & $exe @Words 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw (New-Object System.InvalidOperationException ("netsh exited with code $LASTEXITCODE" + ': ' + ((@($out) -join ' ').Trim())))
    }
}

function Invoke-Action {
    param($Action)
    $type = $Action.GetAttribute('type')
    $allowMos = $Action.GetAttribute('allow-management-os') -eq 'true'
    switch ($type) {
        'create-switch' {
            $a = Get-AdapterByGuid $Action.GetAttribute('adapter-guid')
            $null = New-VMSwitch -Name $Action.GetAttribute('name') -NetAdapterInterfaceDescription $a.InterfaceDescription -AllowManagementOS $allowMos -Notes $script:CreatedNote -ComputerName localhost
        }
        'bind-switch' {
            $a = Get-AdapterByGuid $Action.GetAttribute('adapter-guid')
            $sw = Get-SwitchById $Action.GetAttribute('switch-id')
            Set-VMSwitch -VMSwitch $sw -NetAdapterInterfaceDescription $a.InterfaceDescription -AllowManagementOS $allowMos
        }
        'remove-switch' {
            # Removing is "make it absent": a switch already gone (an undo run
            # again after it was killed) is not an error. Listing all switches
            # tells absent from unreadable: the caller is elevated here.
            $id = $Action.GetAttribute('switch-id')
            if (@(Get-VMSwitch -ComputerName localhost | Where-Object { [string]$_.Id -eq $id }).Count -eq 0) { return }
            $sw = Get-SwitchById $id
            if ($sw.Notes -ne $script:CreatedNote) {
                throw (New-Object System.InvalidOperationException 'refusing to remove a switch wslbridge did not create')
            }
            foreach ($n in @(Get-VMNetworkAdapter -All -ComputerName localhost)) {
                if (-not $n.IsManagementOs -and [string]$n.SwitchId -eq [string]$sw.Id) {
                    throw (New-Object System.InvalidOperationException 'refusing to remove a switch that virtual machines use')
                }
            }
            Remove-VMSwitch -VMSwitch $sw -Force -Confirm:$false
        }
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
            if (@(Get-NetFirewallHyperVRule -Name $Action.GetAttribute('name') -ErrorAction SilentlyContinue).Count -gt 0) { return }
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
            if (@(Get-CimInstance -Namespace 'root/StandardCimv2' -ClassName MSFT_NetFirewallRule -Filter $filter -ErrorAction SilentlyContinue).Count -gt 0) { return }
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
    $w = New-ResponseWriter $Response
    $w.WriteStartElement('results')
    $failed = $false
    foreach ($action in @($Doc.request.SelectNodes('action'))) {
        $w.WriteStartElement('result')
        Write-Attr $w 'id' $action.GetAttribute('id')
        if ($failed) {
            # After a failure the rest is not attempted: the caller decides.
            Write-Attr $w 'status' 'skipped'
        } else {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            try {
                Invoke-Action $action
                Write-Attr $w 'status' 'ok'
                Write-Attr $w 'ms' $watch.ElapsedMilliseconds
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
    $argList = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', (Get-EncodedBootstrap))
    try {
        $p = Start-Process -FilePath (Join-Path $PSHOME 'powershell.exe') -ArgumentList $argList -Verb RunAs -Wait -PassThru -WindowStyle Hidden
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
    if (Test-Path -LiteralPath $Response) { return }
    if ($p.ExitCode -eq 3) {
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
    if ($doc.request.GetAttribute('op') -eq 'observe') {
        $w = New-ResponseWriter $Response
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
