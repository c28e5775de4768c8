# net.ps1 - fakes of the NetAdapter, NetTCPIP and DnsClient cmdlets: read
# without elevation (A.4), changed only with an administrator token (A.5).
# Property names and types follow the CIM classes (SOURCES.md).

function ConvertTo-WHAdapter {
    param($A)
    [pscustomobject]@{
        PSTypeName           = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetAdapter'
        Name                 = $A.GetAttribute('name')
        InterfaceDescription = $A.GetAttribute('description')
        InterfaceGuid        = $A.GetAttribute('guid')
        MacAddress           = $A.GetAttribute('mac')
        Status               = $A.GetAttribute('status')
        InterfaceIndex       = [uint32]$A.GetAttribute('ifindex')
        Virtual              = $A.GetAttribute('virtual') -eq 'true'
        HardwareInterface    = $A.GetAttribute('hardware') -eq 'true'
        ConnectorPresent     = $A.GetAttribute('connector') -eq 'true'
        NdisPhysicalMedium   = [uint32](Get-WHAttr $A 'physical-medium' '0')
        MediaConnectState    = [uint32](Get-WHAttr $A 'media-connect' '0')
    }
}

function Get-NetAdapter {
    [CmdletBinding()]
    param([string[]]$Name, [string[]]$InterfaceDescription, [switch]$IncludeHidden, [switch]$Physical)
    Add-WHCall 'Get-NetAdapter'
    $failure = Get-WHFailure 'Get-NetAdapter'
    if ($null -ne $failure) { $PSCmdlet.WriteError($failure); return }
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if (-not $IncludeHidden -and $a.GetAttribute('hidden') -eq 'true') { continue }
        if ($Name -and $Name -notcontains $a.GetAttribute('name')) { continue }
        if ($InterfaceDescription -and $InterfaceDescription -notcontains $a.GetAttribute('description')) { continue }
        ConvertTo-WHAdapter $a
    }
}

function Find-WHAdapter {
    param([string]$Description, [string]$Cmdlet)
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if ($a.GetAttribute('description') -eq $Description) { return $a }
    }
    $PSCmdlet.ThrowTerminatingError((New-WHCimNotFound 'no-adapter' $Description $Cmdlet 'InterfaceDescription'))
}

function Get-NetAdapterBinding {
    [CmdletBinding()]
    param([string[]]$InterfaceDescription, [string[]]$Name, [string[]]$ComponentID, [switch]$AllBindings, [switch]$IncludeHidden)
    Add-WHCall 'Get-NetAdapterBinding'
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if ($InterfaceDescription -and $InterfaceDescription -notcontains $a.GetAttribute('description')) { continue }
        if ($Name -and $Name -notcontains $a.GetAttribute('name')) { continue }
        foreach ($b in @($a.SelectNodes('binding'))) {
            if ($ComponentID -and $ComponentID -notcontains $b.GetAttribute('component')) { continue }
            [pscustomobject]@{
                PSTypeName  = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetAdapterBindingSettingData'
                Name        = $a.GetAttribute('name')
                ComponentID = $b.GetAttribute('component')
                Enabled     = $b.GetAttribute('enabled') -eq 'true'
            }
        }
    }
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

function Get-NetIPInterface {
    [CmdletBinding()]
    param([string]$AddressFamily, [uint32]$InterfaceIndex)
    Add-WHCall 'Get-NetIPInterface'
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if (-not $a.HasAttribute('mtu')) { continue }
        if ($PSBoundParameters.ContainsKey('InterfaceIndex') -and [uint32]$a.GetAttribute('ifindex') -ne $InterfaceIndex) { continue }
        [pscustomobject]@{
            PSTypeName      = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetIPInterface'
            InterfaceIndex  = [uint32]$a.GetAttribute('ifindex')
            InterfaceAlias  = $a.GetAttribute('name')
            AddressFamily   = 'IPv4'
            NlMtu           = [uint32]$a.GetAttribute('mtu')
            InterfaceMetric = [uint32](Get-WHAttr $a 'metric' '0')
            AutomaticMetric = [uint32](Get-WHAttr $a 'automatic-metric' '1')
        }
    }
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

function Get-NetIPAddress {
    [CmdletBinding()]
    param([string]$AddressFamily)
    Add-WHCall 'Get-NetIPAddress'
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        foreach ($ip in @($a.SelectNodes('ipv4'))) {
            [pscustomobject]@{
                PSTypeName     = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetIPAddress'
                InterfaceIndex = [uint32]$a.GetAttribute('ifindex')
                IPAddress      = $ip.GetAttribute('address')
                PrefixLength   = [byte]$ip.GetAttribute('prefix')
                AddressFamily  = 'IPv4'
            }
        }
    }
}

function Get-NetRoute {
    # D.19: persistent routes are listed too unless -PolicyStore ActiveStore.
    [CmdletBinding()]
    param([string]$DestinationPrefix, [string]$PolicyStore, [string]$AddressFamily)
    Add-WHCall 'Get-NetRoute'
    foreach ($r in (Get-WHNodes 'routes/route')) {
        if ($DestinationPrefix -and $r.GetAttribute('prefix') -ne $DestinationPrefix) { continue }
        $stores = @('ActiveStore')
        if ($r.GetAttribute('persistent') -eq 'true') { $stores += 'PersistentStore' }
        foreach ($s in $stores) {
            if ($PolicyStore -and $PolicyStore -ne $s) { continue }
            [pscustomobject]@{
                PSTypeName        = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetRoute'
                DestinationPrefix = $r.GetAttribute('prefix')
                NextHop           = $r.GetAttribute('next-hop')
                InterfaceIndex    = [uint32]$r.GetAttribute('ifindex')
                RouteMetric       = [uint16]$r.GetAttribute('metric')
                Store             = $s
            }
        }
    }
}

function Get-DnsClientServerAddress {
    [CmdletBinding()]
    param([string]$AddressFamily)
    Add-WHCall 'Get-DnsClientServerAddress'
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        $servers = @($a.SelectNodes('dns') | ForEach-Object { $_.GetAttribute('server') })
        [pscustomobject]@{
            PSTypeName      = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_DNSClientServerAddress'
            InterfaceIndex  = [uint32]$a.GetAttribute('ifindex')
            InterfaceAlias  = $a.GetAttribute('name')
            ServerAddresses = [string[]]$servers
        }
    }
}

function Get-DnsClient {
    [CmdletBinding()]
    param()
    Add-WHCall 'Get-DnsClient'
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        [pscustomobject]@{
            PSTypeName               = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_DNSClient'
            InterfaceIndex           = [uint32]$a.GetAttribute('ifindex')
            ConnectionSpecificSuffix = Get-WHAttr $a 'dns-suffix' ''
        }
    }
}

function Get-DnsClientGlobalSetting {
    [CmdletBinding()]
    param()
    Add-WHCall 'Get-DnsClientGlobalSetting'
    [pscustomobject]@{
        PSTypeName       = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_DNSClientGlobalSetting'
        SuffixSearchList = [string[]]@(Get-WHNodes 'dns-search/suffix' | ForEach-Object { $_.GetAttribute('name') })
    }
}

# The dynamic port ranges (SOURCES.md, "Dynamic port range"): <dynamic-ports
# tcp-start= tcp-count= udp-start= udp-count=/>, else Windows' default 49152 + 16384.
function Get-WHDynamicRange {
    param([string]$Proto)
    $el = (Get-WHHost).SelectSingleNode('dynamic-ports')
    return @([uint16](Get-WHAttr $el "$Proto-start" '49152'), [uint16](Get-WHAttr $el "$Proto-count" '16384'))
}

function Get-NetTCPSetting {
    [CmdletBinding()]
    param([string[]]$SettingName)
    Add-WHCall 'Get-NetTCPSetting'
    $failure = Get-WHFailure 'Get-NetTCPSetting'
    if ($null -ne $failure) { $PSCmdlet.WriteError($failure); return }
    $r = Get-WHDynamicRange 'tcp'
    # 'Automatic' lists no values of its own (assumed); the others share the system's range.
    [pscustomobject]@{ PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetTCPSetting'
        SettingName = 'Automatic'; DynamicPortRangeStartPort = $null; DynamicPortRangeNumberOfPorts = $null }
    foreach ($n in 'InternetCustom', 'DatacenterCustom', 'Compat', 'Datacenter', 'Internet') {
        [pscustomobject]@{ PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetTCPSetting'
            SettingName = $n; DynamicPortRangeStartPort = $r[0]; DynamicPortRangeNumberOfPorts = $r[1] }
    }
}

function Get-NetUDPSetting {
    [CmdletBinding()]
    param()
    Add-WHCall 'Get-NetUDPSetting'
    $r = Get-WHDynamicRange 'udp'
    [pscustomobject]@{ PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetUDPSetting'
        DynamicPortRangeStartPort = $r[0]; DynamicPortRangeNumberOfPorts = $r[1] }
}
