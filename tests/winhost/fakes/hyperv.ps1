# hyperv.ps1 - fakes of the Hyper-V module's switch cmdlets and of the
# Msvm_* CIM view.  Defined only where the scenario has the module (so
# Get-Command finds them exactly when Windows would).  A.1: a caller neither
# elevated nor in Hyper-V Administrators gets a non-terminating permission
# error and no objects.  E.20/E.21: creating a switch moves the host's IP
# configuration to vEthernet (NAME) and fails whole on a NIC that is taken.

$global:WHCreatedNote = 'Created by wslbridge'

function ConvertTo-WHSwitch {
    param($S)
    $uplinks = @($S.SelectNodes('uplink') | ForEach-Object { [guid]$_.GetAttribute('guid') })
    $desc = $null
    if ($uplinks.Count -gt 0) {
        $up = Find-WHAdapterByGuid ('{' + ([string]$uplinks[0]).ToUpper() + '}')
        if ($null -ne $up) { $desc = $up.GetAttribute('description') }
    }
    [pscustomobject]@{
        PSTypeName                     = 'Microsoft.HyperV.PowerShell.VMSwitch'
        Id                             = [guid]$S.GetAttribute('id')
        Name                           = $S.GetAttribute('name')
        SwitchType                     = [Microsoft.HyperV.PowerShell.VMSwitchType][int]$S.GetAttribute('type')
        AllowManagementOS              = $S.GetAttribute('allow-management-os') -eq 'true'
        Notes                          = $S.GetAttribute('notes')
        NetAdapterInterfaceGuid        = if ($uplinks.Count -gt 0) { [guid[]]$uplinks } else { $null }
        NetAdapterInterfaceDescription = $desc
    }
}

function Find-WHAdapterByGuid {
    param([string]$Guid)
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if ($a.GetAttribute('guid') -eq $Guid) { return $a }
    }
    return $null
}

function Get-VMSwitch {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name, [guid[]]$Id, [string[]]$ComputerName)
    Add-WHCall 'Get-VMSwitch'
    if (-not (Test-WHHyperVAccess)) { $PSCmdlet.WriteError((New-WHPermissionError 'GetVMSwitch')); return }
    $found = $false
    foreach ($s in (Get-WHNodes 'switches/switch')) {
        if ($PSBoundParameters.ContainsKey('Id') -and $Id -notcontains [guid]$s.GetAttribute('id')) { continue }
        if ($Name -and -not ($s.GetAttribute('name') -like $Name)) { continue }
        $found = $true
        ConvertTo-WHSwitch $s
    }
    if (-not $found -and $PSBoundParameters.ContainsKey('Id')) {
        $PSCmdlet.WriteError((New-WHHyperVError 'no-switch' ($Id -join ',') 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch' 'InvalidArgument'))
    } elseif (-not $found -and $Name) {
        $PSCmdlet.WriteError((New-WHHyperVError 'no-switch-name' $Name 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch' 'ObjectNotFound'))
    }
}

function Get-VMNetworkAdapter {
    [CmdletBinding()]
    param([switch]$All, [switch]$ManagementOS, [string]$ComputerName)
    Add-WHCall 'Get-VMNetworkAdapter'
    if (-not (Test-WHHyperVAccess)) { $PSCmdlet.WriteError((New-WHPermissionError 'GetVMNetworkAdapter')); return }
    foreach ($n in (Get-WHNodes 'switches/vm-nic')) {
        [pscustomobject]@{
            PSTypeName     = 'Microsoft.HyperV.PowerShell.VMNetworkAdapter'
            VMName         = $n.GetAttribute('vm')
            SwitchId       = [guid]$n.GetAttribute('switch-id')
            IsManagementOs = $false
        }
    }
    foreach ($s in (Get-WHNodes 'switches/switch')) {
        if ($s.GetAttribute('allow-management-os') -ne 'true') { continue }
        [pscustomobject]@{
            PSTypeName     = 'Microsoft.HyperV.PowerShell.VMNetworkAdapter'
            VMName         = ''
            SwitchId       = [guid]$s.GetAttribute('id')
            IsManagementOs = $true
        }
    }
}

function Get-WHSwitchNode {
    param($VMSwitch)
    foreach ($s in (Get-WHNodes 'switches/switch')) {
        if ([guid]$s.GetAttribute('id') -eq [guid]$VMSwitch.Id) { return $s }
    }
    return $null
}

function Get-WHUplinkOwner {
    param($Adapter)
    foreach ($s in (Get-WHNodes 'switches/switch')) {
        foreach ($u in @($s.SelectNodes('uplink'))) {
            if ($u.GetAttribute('guid') -eq $Adapter.GetAttribute('guid')) { return $s }
        }
    }
    return $null
}

function Assert-WHBindable {
    # E.21: a NIC bound to another external switch, or held by VMware's bridge.
    param($Adapter, [string]$Cmdlet, $Switch = $null)
    $owner = Get-WHUplinkOwner $Adapter
    if ($null -ne $owner -and -not [object]::ReferenceEquals($owner, $Switch)) {
        $PSCmdlet.ThrowTerminatingError((New-WHHyperVError 'in-use' $Adapter.GetAttribute('description') "ObjectInUse,Microsoft.HyperV.PowerShell.Commands.$Cmdlet" 'ResourceBusy'))
    }
    $vmware = $Adapter.SelectSingleNode("binding[@component='vmware_bridge']")
    if ($Adapter.HasAttribute('sim-bind-error') -or ($null -ne $vmware -and $vmware.GetAttribute('enabled') -eq 'true')) {
        $PSCmdlet.ThrowTerminatingError((New-WHHyperVError 'bind-failed' $Adapter.GetAttribute('guid') "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.$Cmdlet" 'ObjectNotFound'))
    }
}

function Set-WHAdapterBinding {
    param($Adapter, [string]$Component, [bool]$Enabled)
    $b = $Adapter.SelectSingleNode("binding[@component='$Component']")
    if ($null -ne $b) { $b.SetAttribute('enabled', ([string]$Enabled).ToLower()) }
}

function Move-WHIPConfig {
    # The host's addresses, DNS and default routes move with the switch (E.20).
    # <sim lease="never">: the new vEthernet adapter gets no DHCP lease, so the
    # host's address and default route do not come back (assumed: the worst
    # case of the seconds E.20 speaks of).
    param($From, $To)
    if ((Get-WHAttr (Get-WHSim) 'lease' '') -eq 'never') {
        foreach ($e in @($From.SelectNodes('ipv4'))) { $null = $From.RemoveChild($e) }
        foreach ($r in (Get-WHNodes 'routes/route')) {
            if ($r.GetAttribute('ifindex') -eq $From.GetAttribute('ifindex')) { $null = $r.ParentNode.RemoveChild($r) }
        }
    }
    foreach ($tag in 'ipv4', 'dns') {
        foreach ($e in @($From.SelectNodes($tag))) { $null = $To.AppendChild($From.RemoveChild($e)) }
    }
    if ($From.HasAttribute('dns-suffix')) { $To.SetAttribute('dns-suffix', $From.GetAttribute('dns-suffix')) }
    foreach ($r in (Get-WHNodes 'routes/route')) {
        if ($r.GetAttribute('ifindex') -eq $From.GetAttribute('ifindex')) { $r.SetAttribute('ifindex', $To.GetAttribute('ifindex')) }
    }
}

function Get-WHVnic {
    param([string]$SwitchName)
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if ($a.GetAttribute('name') -eq "vEthernet ($SwitchName)") { return $a }
    }
    return $null
}

function Connect-WHUplink {
    param($Switch, $Adapter, [bool]$AllowManagementOS)
    foreach ($u in @($Switch.SelectNodes('uplink'))) { $null = $Switch.RemoveChild($u) }
    $u = $Switch.AppendChild($Switch.OwnerDocument.CreateElement('uplink'))
    $u.SetAttribute('guid', $Adapter.GetAttribute('guid'))
    $Switch.SetAttribute('type', '2')
    $Switch.SetAttribute('allow-management-os', ([string]$AllowManagementOS).ToLower())
    Set-WHAdapterBinding $Adapter 'vms_pp' $true
    Set-WHAdapterBinding $Adapter 'ms_tcpip' $false
    Set-WHAdapterBinding $Adapter 'ms_tcpip6' $false
    $vnic = Get-WHVnic $Switch.GetAttribute('name')
    if ($AllowManagementOS -and $null -eq $vnic) {
        $adapters = (Get-WHHost).SelectSingleNode('adapters')
        $n = @($adapters.SelectNodes('adapter') | Where-Object { $_.GetAttribute('description').StartsWith('Hyper-V Virtual Ethernet Adapter') }).Count
        $max = 0
        foreach ($a in @($adapters.SelectNodes('adapter'))) { $max = [Math]::Max($max, [int]$a.GetAttribute('ifindex')) }
        $vnic = $adapters.AppendChild($adapters.OwnerDocument.CreateElement('adapter'))
        $attrs = [ordered]@{
            name = 'vEthernet (' + $Switch.GetAttribute('name') + ')'; description = 'Hyper-V Virtual Ethernet Adapter #' + ($n + 1)
            guid = '{' + ([guid]::NewGuid().ToString().ToUpper()) + '}'; mac = $Adapter.GetAttribute('mac'); status = 'Up'
            ifindex = [string]($max + 1); virtual = 'true'; hardware = 'false'; connector = 'false'; 'physical-medium' = '14'
            'media-connect' = '1'; mtu = (Get-WHAttr $Adapter 'mtu' '1500'); metric = (Get-WHAttr $Adapter 'metric' '25'); 'automatic-metric' = '1'
        }
        foreach ($k in $attrs.Keys) { $vnic.SetAttribute($k, $attrs[$k]) }
    }
    if ($null -ne $vnic) { Move-WHIPConfig $Adapter $vnic }
}

function Assert-WHHyperVChange {
    param([string]$Cmdlet)
    if (-not (Test-WHHyperVAccess)) { $PSCmdlet.ThrowTerminatingError((New-WHPermissionError $Cmdlet)) }
}

function New-VMSwitch {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$Name, [string]$NetAdapterInterfaceDescription, [bool]$AllowManagementOS = $true, [string]$Notes, [string]$ComputerName, [string]$SwitchType)
    Add-WHCall 'New-VMSwitch'
    Assert-WHHyperVChange 'NewVMSwitch'
    $a = Find-WHAdapter $NetAdapterInterfaceDescription 'New-VMSwitch'
    Assert-WHBindable $a 'NewVMSwitch'
    $list = Get-WHSection 'switches'
    $s = $list.AppendChild($list.OwnerDocument.CreateElement('switch'))
    $s.SetAttribute('id', [guid]::NewGuid().ToString())
    $s.SetAttribute('name', $Name)
    $s.SetAttribute('type', '2')
    $s.SetAttribute('notes', $Notes)
    Connect-WHUplink $s $a $AllowManagementOS
    Save-WHState
    ConvertTo-WHSwitch $s
}

function Set-VMSwitch {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param($VMSwitch, [string]$NetAdapterInterfaceDescription, [bool]$AllowManagementOS, [string]$Notes)
    Add-WHCall 'Set-VMSwitch'
    Assert-WHHyperVChange 'SetVMSwitch'
    $s = Get-WHSwitchNode $VMSwitch
    $a = Find-WHAdapter $NetAdapterInterfaceDescription 'Set-VMSwitch'
    Assert-WHBindable $a 'SetVMSwitch' $s
    Connect-WHUplink $s $a $AllowManagementOS
    Save-WHState
}

function Remove-VMSwitch {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param($VMSwitch, [switch]$Force)
    Add-WHCall 'Remove-VMSwitch'
    Assert-WHHyperVChange 'RemoveVMSwitch'
    $s = Get-WHSwitchNode $VMSwitch
    $vnic = Get-WHVnic $s.GetAttribute('name')
    foreach ($u in @($s.SelectNodes('uplink'))) {
        $up = Find-WHAdapterByGuid $u.GetAttribute('guid')
        if ($null -eq $up) { continue }
        Set-WHAdapterBinding $up 'vms_pp' $false
        Set-WHAdapterBinding $up 'ms_tcpip' $true
        Set-WHAdapterBinding $up 'ms_tcpip6' $true
        if ($null -ne $vnic) { Move-WHIPConfig $vnic $up }
    }
    if ($null -ne $vnic) { $null = $vnic.ParentNode.RemoveChild($vnic) }
    $null = $s.ParentNode.RemoveChild($s)
    Save-WHState
}

function Get-WHExternalPorts {
    # Msvm_ExternalEthernetPort: the physical NICs Hyper-V could bind (A.3).
    foreach ($a in (Get-WHNodes 'adapters/adapter')) {
        if ($a.GetAttribute('hardware') -ne 'true') { continue }
        $b = $a.SelectSingleNode("binding[@component='vms_pp']")
        [pscustomobject]@{
            PSTypeName       = 'Microsoft.Management.Infrastructure.CimInstance#root/virtualization/v2/Msvm_ExternalEthernetPort'
            ElementName      = $a.GetAttribute('description')
            PermanentAddress = $a.GetAttribute('mac').Replace('-', '')
            IsBound          = $null -ne $b -and $b.GetAttribute('enabled') -eq 'true'
        }
    }
}
