# net.ps1 - the CIM classes of ROOT/StandardCimv2 that the NetAdapter,
# NetTCPIP and DnsClient cmdlets wrap, as Get-CimInstance returns them (read
# without elevation, A.4), and the cmdlets the agent changes them with (only
# with an administrator token, A.5). Property names, types and enumeration
# numbers are the MOF's (SOURCES.md, "CIM classes"); the names the modules'
# type data add (MacAddress, Status, ifIndex) do not exist on raw instances.

function New-WHCim {
    param([string]$Class, [System.Collections.Specialized.OrderedDictionary]$Properties)
    $o = [ordered]@{ PSTypeName = "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/$Class" }
    foreach ($k in $Properties.Keys) { $o[$k] = $Properties[$k] }
    return [pscustomobject]$o
}

# Get-NetAdapter's Status word as the scenario gives it, in the class's
# numbers: InterfaceAdminStatus (1 up, 2 down), InterfaceOperationalStatus
# (1 up, 2 down, 6 not present).
$global:WHAdapterStatus = @{ 'Up' = 1, 1; 'Disconnected' = 1, 2; 'Disabled' = 2, 2; 'Not Present' = 1, 6 }

function Get-WHNetCim {
    # Every instance of one class, from the model.
    param([string]$Class)
    $adapters = Get-WHNodes 'adapters/adapter'
    switch ($Class) {
        'MSFT_NetAdapter' {
            foreach ($a in $adapters) {
                $st = $global:WHAdapterStatus[$a.GetAttribute('status')]
                if ($null -eq $st) { $st = 1, 2 }
                $hex = $a.GetAttribute('mac').Replace('-', '')
                New-WHCim $Class ([ordered]@{
                    Name = $a.GetAttribute('name'); InterfaceDescription = $a.GetAttribute('description')
                    InterfaceGuid = $a.GetAttribute('guid'); InterfaceIndex = [uint32]$a.GetAttribute('ifindex')
                    PermanentAddress = $hex; NetworkAddresses = [string[]]@($hex)
                    Virtual = $a.GetAttribute('virtual') -eq 'true'; HardwareInterface = $a.GetAttribute('hardware') -eq 'true'
                    ConnectorPresent = $a.GetAttribute('connector') -eq 'true'; Hidden = $a.GetAttribute('hidden') -eq 'true'
                    NdisPhysicalMedium = [uint32](Get-WHAttr $a 'physical-medium' '0')
                    MediaConnectState = [uint32](Get-WHAttr $a 'media-connect' '0')
                    InterfaceAdminStatus = [uint32]$st[0]; InterfaceOperationalStatus = [uint32]$st[1] })
            }
        }
        'MSFT_NetAdapterBindingSettingData' {
            foreach ($a in $adapters) {
                foreach ($b in @($a.SelectNodes('binding'))) {
                    New-WHCim $Class ([ordered]@{ Name = $a.GetAttribute('name'); InterfaceDescription = $a.GetAttribute('description')
                        ComponentID = $b.GetAttribute('component'); Enabled = $b.GetAttribute('enabled') -eq 'true' })
                }
            }
        }
        'MSFT_NetIPInterface' {
            foreach ($a in $adapters) {
                if (-not $a.HasAttribute('mtu')) { continue }
                New-WHCim $Class ([ordered]@{ InterfaceIndex = [uint32]$a.GetAttribute('ifindex'); InterfaceAlias = $a.GetAttribute('name')
                    AddressFamily = [uint16]2; NlMtu = [uint32]$a.GetAttribute('mtu')
                    InterfaceMetric = [uint32](Get-WHAttr $a 'metric' '0'); AutomaticMetric = [byte](Get-WHAttr $a 'automatic-metric' '1') })
            }
        }
        'MSFT_NetIPAddress' {
            # <ipv4 persistent="true">: a static address, in both stores (assumed, as routes, D.19)
            foreach ($a in $adapters) {
                foreach ($ip in @($a.SelectNodes('ipv4'))) {
                    $stores = @(1)
                    if ($ip.GetAttribute('persistent') -eq 'true') { $stores += 0 }
                    foreach ($store in $stores) {
                        New-WHCim $Class ([ordered]@{ InterfaceIndex = [uint32]$a.GetAttribute('ifindex'); InterfaceAlias = $a.GetAttribute('name')
                            IPAddress = $ip.GetAttribute('address'); PrefixLength = [byte]$ip.GetAttribute('prefix'); AddressFamily = [uint16]2; Store = [byte]$store })
                    }
                }
            }
        }
        'MSFT_NetRoute' {
            # D.19: a persistent route is there twice, once a store (Persistent 0, Active 1).
            foreach ($r in (Get-WHNodes 'routes/route')) {
                $stores = @(1)
                if ($r.GetAttribute('persistent') -eq 'true') { $stores += 0 }
                foreach ($store in $stores) {
                    New-WHCim $Class ([ordered]@{ DestinationPrefix = $r.GetAttribute('prefix'); NextHop = $r.GetAttribute('next-hop')
                        InterfaceIndex = [uint32]$r.GetAttribute('ifindex'); RouteMetric = [uint16]$r.GetAttribute('metric')
                        AddressFamily = [uint16]2; Store = [byte]$store })
                }
            }
        }
        'MSFT_DNSClientServerAddress' {
            foreach ($a in $adapters) {
                $servers = @($a.SelectNodes('dns') | ForEach-Object { $_.GetAttribute('server') })
                New-WHCim $Class ([ordered]@{ InterfaceIndex = [uint32]$a.GetAttribute('ifindex'); InterfaceAlias = $a.GetAttribute('name')
                    AddressFamily = [uint16]2; ServerAddresses = [string[]]$servers })
            }
        }
        'MSFT_DNSClient' {
            foreach ($a in $adapters) {
                New-WHCim $Class ([ordered]@{ InterfaceIndex = [uint32]$a.GetAttribute('ifindex'); InterfaceAlias = $a.GetAttribute('name')
                    ConnectionSpecificSuffix = Get-WHAttr $a 'dns-suffix' '' })
            }
        }
        'MSFT_DNSClientGlobalSetting' {
            New-WHCim $Class ([ordered]@{ SuffixSearchList = [string[]]@(Get-WHNodes 'dns-search/suffix' | ForEach-Object { $_.GetAttribute('name') }) })
        }
        'MSFT_NetTCPSetting' {
            # 'Automatic' lists no values of its own (assumed); the others share the system's range.
            $r = Get-WHDynamicRange 'tcp'
            New-WHCim $Class ([ordered]@{ SettingName = 'Automatic'; DynamicPortRangeStartPort = $null; DynamicPortRangeNumberOfPorts = $null })
            foreach ($n in 'InternetCustom', 'DatacenterCustom', 'Compat', 'Datacenter', 'Internet') {
                New-WHCim $Class ([ordered]@{ SettingName = $n; DynamicPortRangeStartPort = $r[0]; DynamicPortRangeNumberOfPorts = $r[1] })
            }
        }
        'MSFT_NetUDPSetting' {
            $r = Get-WHDynamicRange 'udp'
            New-WHCim $Class ([ordered]@{ DynamicPortRangeStartPort = $r[0]; DynamicPortRangeNumberOfPorts = $r[1] })
        }
        default { throw "winhost fakes: Get-CimInstance of $Class is not modelled" }
    }
}

# The dynamic port ranges (SOURCES.md, "Dynamic port range"): <dynamic-ports
# tcp-start= tcp-count= udp-start= udp-count=/>, else Windows' default 49152 + 16384.
function Get-WHDynamicRange {
    param([string]$Proto)
    $el = (Get-WHHost).SelectSingleNode('dynamic-ports')
    return @([uint16](Get-WHAttr $el "$Proto-start" '49152'), [uint16](Get-WHAttr $el "$Proto-count" '16384'))
}

# -Filter: the WQL the agent writes, "Prop = value" terms joined by AND
# (strings in quotes, compared without case as WQL does). Anything else
# is refused, so the agent cannot come to rely on what is not modelled.
function Test-WHWqlFilter {
    param($Object, [string]$Filter)
    if (-not $Filter) { return $true }
    foreach ($term in ($Filter -split '\s+AND\s+')) {
        $m = [regex]::Match($term, "^\s*(\w+)\s*=\s*(?:'([^']*)'|(\d+))\s*$")
        if (-not $m.Success) { throw "winhost fakes: the WQL term [$term] is not modelled" }
        $v = $Object.($m.Groups[1].Value)
        if ($m.Groups[3].Success) { if ($null -eq $v -or [int64]$v -ne [int64]$m.Groups[3].Value) { return $false } }
        elseif ([string]$v -ne $m.Groups[2].Value) { return $false }
    }
    return $true
}


function Find-WHAdapter {
    param([string]$Description, [string]$Cmdlet)
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if ($a.GetAttribute('description') -eq $Description) { return $a }
    }
    $PSCmdlet.ThrowTerminatingError((New-WHCimNotFound 'no-adapter' $Description $Cmdlet 'InterfaceDescription'))
}

function Set-WHBinding {
    param([string]$Cmdlet, [string]$Description, [string]$Component, [bool]$Enabled)
    if (-not (Test-WHElevated)) { $PSCmdlet.ThrowTerminatingError((New-WHAccessDenied $Cmdlet)) }
    $a = Find-WHAdapter $Description $Cmdlet
    $b = $a.SelectSingleNode("binding[@component='$Component']")
    if ($null -eq $b) { $PSCmdlet.ThrowTerminatingError((New-WHCimNotFound 'no-binding' $Component $Cmdlet 'ComponentID')) }
    $b.SetAttribute('enabled', ([string]$Enabled).ToLower())
    Save-WHState
}

function Enable-NetAdapterBinding {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$InterfaceDescription, [string[]]$ComponentID)
    Add-WHCall 'Enable-NetAdapterBinding'
    foreach ($c in $ComponentID) { Set-WHBinding 'Enable-NetAdapterBinding' $InterfaceDescription $c $true }
}

function Disable-NetAdapterBinding {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$InterfaceDescription, [string[]]$ComponentID)
    Add-WHCall 'Disable-NetAdapterBinding'
    foreach ($c in $ComponentID) { Set-WHBinding 'Disable-NetAdapterBinding' $InterfaceDescription $c $false }
}

function Set-NetIPInterface {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([uint32]$InterfaceIndex, [string]$AddressFamily, [uint32]$InterfaceMetric)
    Add-WHCall 'Set-NetIPInterface'
    if (-not (Test-WHElevated)) { $PSCmdlet.ThrowTerminatingError((New-WHAccessDenied 'Set-NetIPInterface')) }
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if ([uint32]$a.GetAttribute('ifindex') -eq $InterfaceIndex -and $a.HasAttribute('mtu')) {
            $a.SetAttribute('metric', [string]$InterfaceMetric)
            $a.SetAttribute('automatic-metric', '0')
            Save-WHState
            return
        }
    }
    $PSCmdlet.ThrowTerminatingError((New-WHCimNotFound 'no-ipif' $InterfaceIndex 'Set-NetIPInterface' 'InterfaceIndex'))
}

