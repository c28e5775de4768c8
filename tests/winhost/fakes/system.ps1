# system.ps1 - fakes of the registry provider, Get-CimInstance, Get-Service,
# the Hyper-V firewall cmdlets and Start-Process (the UAC prompt).

function New-WHKeyObject {
    param([string]$Path, [System.Collections.Specialized.OrderedDictionary]$Values)
    $o = [ordered]@{}
    foreach ($k in $Values.Keys) { $o[$k] = $Values[$k] }
    # Get-ItemProperty adds the provider's own properties to every key.
    $o['PSPath'] = 'Microsoft.PowerShell.Core\Registry::' + $Path.Replace('HKLM:\', 'HKEY_LOCAL_MACHINE\')
    $o['PSChildName'] = $Path.Split('\')[-1]
    $o['PSDrive'] = 'HKLM'
    $o['PSProvider'] = 'Microsoft.PowerShell.Core\Registry'
    return [pscustomobject]$o
}

function Get-WHRegistryKey {
    # The keys the agent reads, from the model; $null = the key does not exist.
    param([string]$Path)
    $h = Get-WHHost
    $v = [ordered]@{}
    switch ($Path) {
        'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' {
            $w = $h.SelectSingleNode('windows')
            $v.CurrentBuildNumber = $w.GetAttribute('build')
            $v.CurrentBuild = $w.GetAttribute('build')
            $v.UBR = [int]$w.GetAttribute('ubr')
            $v.EditionID = $w.GetAttribute('edition')
            $v.InstallationType = $w.GetAttribute('installation')
            if ($w.HasAttribute('display-version')) { $v.DisplayVersion = $w.GetAttribute('display-version') }
        }
        'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip6\Parameters' {
            $v.Dhcpv6DUID = [byte[]](0, 1, 0, 1)
            $w = $h.SelectSingleNode('windows')
            if ($w.HasAttribute('ipv6-disabled-components')) { $v.DisabledComponents = [int]$w.GetAttribute('ipv6-disabled-components') }
        }
        'HKLM:\SOFTWARE\Microsoft\Cryptography' { $v.MachineGuid = $h.SelectSingleNode('machine').GetAttribute('guid') }
        'HKLM:\SOFTWARE\Policies\WSL' {
            $p = $h.SelectSingleNode('policy')
            if ($null -eq $p -or $p.Attributes.Count -eq 0) { return $null }
            foreach ($pair in @(@('allow-networking-mode', 'AllowNetworkingModeUserSetting'), @('default-networking-mode', 'DefaultNetworkingMode'), @('allow-firewall', 'AllowFirewallUserSetting'))) {
                if ($p.HasAttribute($pair[0])) { $v[$pair[1]] = [int]$p.GetAttribute($pair[0]) }
            }
        }
        'HKLM:\SYSTEM\CurrentControlSet\Services\PortProxy\v4tov4\tcp' {
            $rules = @(Get-WHNodes 'portproxy/rule')
            if ($rules.Count -eq 0) { return $null }
            foreach ($r in $rules) {
                $v[$r.GetAttribute('listen-address') + '/' + $r.GetAttribute('listen-port')] = $r.GetAttribute('connect-address') + '/' + $r.GetAttribute('connect-port')
            }
        }
        default { return $null }
    }
    return New-WHKeyObject $Path $v
}

function Get-ItemProperty {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath, [string[]]$Name)
    Add-WHCall 'Get-ItemProperty'
    foreach ($p in @($Path) + @($LiteralPath)) {
        if (-not $p) { continue }
        # <sim fail="Get-ItemProperty:LEAF">: that key cannot be read (access denied)
        if ($null -ne (Get-WHFailure ('Get-ItemProperty:' + (Split-Path -Leaf $p)))) {
            $ex = New-Object System.UnauthorizedAccessException (Get-WHMessage 'access')
            $PSCmdlet.WriteError((New-WHError $ex 'System.UnauthorizedAccessException,Microsoft.PowerShell.Commands.GetItemPropertyCommand' 'PermissionDenied' $p))
            continue
        }
        $key = Get-WHRegistryKey $p
        if ($null -eq $key) {
            $ex = New-Object System.Management.Automation.ItemNotFoundException (Get-WHMessage 'no-path' $p)
            $PSCmdlet.WriteError((New-WHError $ex 'PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand' 'ObjectNotFound' $p))
            continue
        }
        $key
    }
}

function Test-WHHyperVFirewall {
    # Windows 11 22H2 (22621) and later clients have it; Server does not.
    $hv = (Get-WHHost).SelectSingleNode('hyperv-firewall')
    if ($null -ne $hv) { return $hv.GetAttribute('present') -eq 'true' }
    $w = (Get-WHHost).SelectSingleNode('windows')
    return [int]$w.GetAttribute('build') -ge 22621 -and $w.GetAttribute('installation') -ne 'Server'
}

function Get-WHHvfw {
    $el = (Get-WHHost).SelectSingleNode('hyperv-firewall')
    if ($null -eq $el) {
        $present = Test-WHHyperVFirewall
        $el = Get-WHSection 'hyperv-firewall'
        $el.SetAttribute('present', ([string]$present).ToLower())
        $el.SetAttribute('enabled', 'True')
        $el.SetAttribute('default-inbound', 'Block')
    }
    return $el
}

function Get-CimInstance {
    [CmdletBinding()]
    param([string]$ClassName, [string]$Namespace = 'root/cimv2', [string]$Filter)
    Add-WHCall ("Get-CimInstance $ClassName")
    $hv = (Get-WHHost).SelectSingleNode('hyperv')
    switch ($ClassName) {
        'Win32_ComputerSystem' {
            [pscustomobject]@{ PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_ComputerSystem'; HypervisorPresent = $hv.GetAttribute('hypervisor-present') -eq 'true' }
        }
        'Msvm_ExternalEthernetPort' {
            if ($hv.GetAttribute('hypervisor-present') -ne 'true') {
                $ex = New-Object System.Management.Automation.RuntimeException ((Get-WHMessage 'namespace') + $Namespace)
                $PSCmdlet.WriteError((New-WHError $ex 'HRESULT 0x8004100e,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand' 'MetadataError'))
                return
            }
            if (-not (Test-WHHyperVAccess)) {
                $ex = New-Object System.UnauthorizedAccessException (Get-WHMessage 'access')
                $PSCmdlet.WriteError((New-WHError $ex 'HRESULT 0x80041003,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand' 'PermissionDenied'))
                return
            }
            Get-WHExternalPorts
        }
        'MSFT_NetFirewallRule' {
            $m = [regex]::Match($Filter, "^ElementName (LIKE|=) '([^']*)'$")
            foreach ($r in (Get-WHNodes 'firewall-rules/rule')) {
                $name = $r.GetAttribute('name')
                if ($m.Success -and $m.Groups[1].Value -eq 'LIKE' -and -not ($name -like ($m.Groups[2].Value.Replace('%', '*')))) { continue }
                if ($m.Success -and $m.Groups[1].Value -eq '=' -and $name -ne $m.Groups[2].Value) { continue }
                [pscustomobject]@{ PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#root/StandardCimv2/MSFT_NetFirewallRule'; ElementName = $name; Enabled = [uint16]$r.GetAttribute('enabled') }
            }
        }
        default {
            # The classes behind the NetAdapter, NetTCPIP and DnsClient cmdlets (net.ps1).
            if ($Namespace -ne 'root/StandardCimv2') { throw "winhost fakes: Get-CimInstance of $ClassName in $Namespace is not modelled" }
            $failure = Get-WHFailure $ClassName
            if ($null -ne $failure) { $PSCmdlet.WriteError($failure); return }
            Get-WHNetCim $ClassName | Where-Object { Test-WHWqlFilter $_ $Filter }
        }
    }
}

function Get-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name)
    Add-WHCall 'Get-Service'
    foreach ($n in $Name) {
        $status = 'missing'
        switch ($n) {
            'vmms' { $status = Get-WHAttr (Get-WHHost).SelectSingleNode('hyperv') 'vmms' 'missing' }
            'GlobalSecureAccessTunnelingService' { $status = Get-WHAttr (Get-WHSim) 'gsa' 'missing' }
            'iphlpsvc' { $status = Get-WHAttr (Get-WHSim) 'iphlpsvc' 'Running' }
        }
        if ($status -eq 'missing') {
            $ex = New-Object System.InvalidOperationException (Get-WHMessage 'no-service' $n)
            $PSCmdlet.WriteError((New-WHError $ex 'NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand' 'ObjectNotFound' $n))
            continue
        }
        [pscustomobject]@{ Name = $n; ServiceName = $n; Status = $status }
    }
}

# --- the Hyper-V firewall (only where Windows has it: Get-Command decides) ------

function Register-WHHyperVFirewall {
    function script:Get-NetFirewallHyperVVMSetting {
        [CmdletBinding()]
        param([string]$PolicyStore, [string]$Name)
        Add-WHCall 'Get-NetFirewallHyperVVMSetting'
        $fw = Get-WHHvfw
        [pscustomobject]@{ Name = $Name; Enabled = $fw.GetAttribute('enabled'); DefaultInboundAction = $fw.GetAttribute('default-inbound') }
    }
    function script:Get-NetFirewallHyperVRule {
        [CmdletBinding()]
        param([string]$VMCreatorId, [string[]]$Name)
        Add-WHCall 'Get-NetFirewallHyperVRule'
        foreach ($r in @((Get-WHHvfw).SelectNodes('rule'))) {
            if ($Name -and $Name -notcontains $r.GetAttribute('name')) { continue }
            [pscustomobject]@{ Name = $r.GetAttribute('name'); Direction = $r.GetAttribute('direction'); Protocol = $r.GetAttribute('protocol')
                LocalPorts = [string[]]@($r.GetAttribute('local-ports').Split(',')); Action = $r.GetAttribute('action'); Enabled = $r.GetAttribute('enabled') }
        }
    }
    function script:New-NetFirewallHyperVRule {
        [CmdletBinding()]
        param([string]$Name, [string]$DisplayName, [string]$Direction, [string]$VMCreatorId, [string]$Protocol, [string[]]$LocalPorts, [string]$Action, [string]$Enabled)
        Add-WHCall 'New-NetFirewallHyperVRule'
        if (-not (Test-WHElevated)) { $PSCmdlet.ThrowTerminatingError((New-WHAccessDenied 'New-NetFirewallHyperVRule')) }
        if (@('TCP', 'UDP') -notcontains $Protocol) {
            $ex = New-Object System.ArgumentException 'The parameter is incorrect.'
            $PSCmdlet.ThrowTerminatingError((New-WHError $ex 'Windows System Error 87,New-NetFirewallHyperVRule' 'InvalidArgument'))
        }
        $fw = Get-WHHvfw
        foreach ($r in @($fw.SelectNodes('rule'))) {
            if ($r.GetAttribute('name') -eq $Name) {
                $ex = New-Object System.InvalidOperationException (Get-WHMessage 'exists')
                $PSCmdlet.ThrowTerminatingError((New-WHError $ex 'Windows System Error 183,New-NetFirewallHyperVRule' 'ResourceExists'))
            }
        }
        $r = $fw.AppendChild($fw.OwnerDocument.CreateElement('rule'))
        foreach ($kv in @(@('name', $Name), @('direction', $Direction), @('protocol', $Protocol), @('local-ports', ($LocalPorts -join ',')), @('action', $Action), @('enabled', $Enabled))) {
            $r.SetAttribute($kv[0], $kv[1])
        }
        Save-WHState
    }
    function script:Remove-NetFirewallHyperVRule {
        [CmdletBinding(SupportsShouldProcess = $true)]
        param([string[]]$Name)
        Add-WHCall 'Remove-NetFirewallHyperVRule'
        if (-not (Test-WHElevated)) { $PSCmdlet.ThrowTerminatingError((New-WHAccessDenied 'Remove-NetFirewallHyperVRule')) }
        $fw = Get-WHHvfw
        foreach ($r in @($fw.SelectNodes('rule'))) {
            if ($Name -contains $r.GetAttribute('name')) { $null = $fw.RemoveChild($r) }
        }
        Save-WHState
    }
}

# --- Process.Start runas: the UAC prompt (B.6-B.8) ------------------------------

function Split-WHCommandLine {
    # CommandLineToArgvW's rules for the quoting the agent uses.
    param([string]$Line)
    $out = @(); $cur = ''; $quoted = $false; $any = $false
    foreach ($ch in $Line.ToCharArray()) {
        if ($ch -eq '"') { $quoted = -not $quoted; $any = $true; continue }
        if ($ch -eq ' ' -and -not $quoted) { if ($any) { $out += $cur }; $cur = ''; $any = $false; continue }
        $cur += $ch; $any = $true
    }
    if ($any) { $out += $cur }
    return ,$out
}

# Process.Start(psi) with Verb runas (types.cs Process) lands here.
[WinHostFakes.Process]::Handler = [Func[string, string, int]] {
    param([string]$FilePath, [string]$Arguments)
    Add-WHCall 'Process.Start runas'
    if ($FilePath -ne (Join-Path $PSHOME 'powershell.exe')) {
        throw "winhost fakes: Process.Start of '$FilePath' is not modelled"
    }
    # The simulated powershell.exe decides the prompt (sim.json) and starts
    # the elevated copy; 223 means the user declined.
    $argv = Split-WHCommandLine $Arguments
    $env:WINHOST_RUNAS = '1'
    try { & $env:WINHOST_PSEXE @argv | Out-Host } finally { Remove-Item Env:WINHOST_RUNAS }
    return [int]$LASTEXITCODE
}

# --- LocalAccounts: Hyper-V Administrators (A.2) --------------------------------
# Membership lives in state.xml <groups>, seeded from the scenario's
# <user hyperv-admin>; the token keeps what it had at sign-in (run --sign-in).

function Get-WHGroups {
    $h = Get-WHHost
    $g = $h.SelectSingleNode('groups')
    if ($null -eq $g) {
        $g = $h.AppendChild($h.OwnerDocument.CreateElement('groups'))
        if ($h.SelectSingleNode('user').GetAttribute('hyperv-admin') -eq 'true') {
            $m = $g.AppendChild($h.OwnerDocument.CreateElement('member'))
            $m.SetAttribute('group', 'S-1-5-32-578')
            $m.SetAttribute('sid', $env:WINHOST_USER_SID)
        }
    }
    return $g
}

function Find-WHMember {
    param($Groups, [string]$Group, [string]$Sid)
    foreach ($m in @($Groups.SelectNodes('member'))) {
        if ($m.GetAttribute('group') -eq $Group -and $m.GetAttribute('sid') -eq $Sid) { return $m }
    }
    return $null
}

function Assert-WHLocalAccountsChange {
    # Changing a local group needs an administrator token (A.5).
    param([string]$Cmdlet)
    if (-not (Test-WHElevated)) {
        $ex = New-Object System.UnauthorizedAccessException (Get-WHMessage 'access')
        $PSCmdlet.ThrowTerminatingError((New-WHError $ex "AccessDenied,Microsoft.PowerShell.Commands.$Cmdlet" 'PermissionDenied'))
    }
}

function Add-LocalGroupMember {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$SID, [Parameter(Position = 1)][string[]]$Member)
    Add-WHCall 'Add-LocalGroupMember'
    Assert-WHLocalAccountsChange 'AddLocalGroupMemberCommand'
    $g = Get-WHGroups
    foreach ($m in $Member) {
        if ($null -ne (Find-WHMember $g $SID $m)) {
            $ex = New-Object Microsoft.PowerShell.Commands.MemberExistsException (Get-WHMessage 'member-exists' $m)
            $PSCmdlet.WriteError((New-WHError $ex 'MemberExists,Microsoft.PowerShell.Commands.AddLocalGroupMemberCommand' 'ResourceExists' $m))
            continue
        }
        $e = $g.AppendChild($g.OwnerDocument.CreateElement('member'))
        $e.SetAttribute('group', $SID)
        $e.SetAttribute('sid', $m)
    }
    Save-WHState
}

function Remove-LocalGroupMember {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string]$SID, [Parameter(Position = 1)][string[]]$Member)
    Add-WHCall 'Remove-LocalGroupMember'
    Assert-WHLocalAccountsChange 'RemoveLocalGroupMemberCommand'
    $g = Get-WHGroups
    foreach ($m in $Member) {
        $e = Find-WHMember $g $SID $m
        if ($null -eq $e) {
            $ex = New-Object Microsoft.PowerShell.Commands.MemberNotFoundException (Get-WHMessage 'member-not-found' $m)
            $PSCmdlet.WriteError((New-WHError $ex 'MemberNotFound,Microsoft.PowerShell.Commands.RemoveLocalGroupMemberCommand' 'ObjectNotFound' $m))
            continue
        }
        $null = $g.RemoveChild($e)
    }
    Save-WHState
}
