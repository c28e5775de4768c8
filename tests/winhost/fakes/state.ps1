# state.ps1 - the fakes' access to the one model of the Windows machine
# (WINHOST_DIR/state.xml), their error records and the caller's token.
# Dot-sourced by start-agent.ps1 before the agent runs.  Sources: SOURCES.md.

$global:WHStatePath = Join-Path $env:WINHOST_DIR 'state.xml'
$global:WHStateStamp = $null
$global:WHState = $null

# The state as it is now: native programs (netsh.exe) change it between calls.
function Get-WHState {
    $stamp = [System.IO.File]::GetLastWriteTimeUtc($global:WHStatePath).Ticks
    if ($null -eq $global:WHState -or $stamp -ne $global:WHStateStamp) {
        $doc = New-Object System.Xml.XmlDocument
        $doc.PreserveWhitespace = $false
        $doc.Load($global:WHStatePath)
        $global:WHState = $doc
        $global:WHStateStamp = $stamp
    }
    return $global:WHState
}

function Save-WHState {
    $tmp = $global:WHStatePath + '.ps.tmp'
    $global:WHState.Save($tmp)
    [System.IO.File]::Move($tmp, $global:WHStatePath, $true)
    $global:WHStateStamp = [System.IO.File]::GetLastWriteTimeUtc($global:WHStatePath).Ticks
}

function Get-WHHost { return (Get-WHState).DocumentElement.SelectSingleNode('host') }
function Get-WHSim { return (Get-WHState).DocumentElement.SelectSingleNode('sim') }
function Get-WHNodes { param([string]$XPath) return @((Get-WHHost).SelectNodes($XPath)) }

function Get-WHSection {
    # A section of <host>, made when a change needs it.
    param([string]$Tag)
    $h = Get-WHHost
    $el = $h.SelectSingleNode($Tag)
    if ($null -eq $el) { $el = $h.AppendChild($h.OwnerDocument.CreateElement($Tag)) }
    return $el
}

function Get-WHAttr {
    param($Node, [string]$Name, [string]$Default = '')
    if ($null -eq $Node -or -not $Node.HasAttribute($Name)) { return $Default }
    return $Node.GetAttribute($Name)
}

# --- the caller's token (A.1-A.5, B.7, B.8) -----------------------------------

function Test-WHElevated { return $env:WINHOST_TOKEN -eq 'elevated' }
function Test-WHHyperVAdmin { return (',' + $env:WINHOST_GROUPS + ',').Contains(',S-1-5-32-578,') }
function Test-WHHyperVAccess { return (Test-WHElevated) -or (Test-WHHyperVAdmin) }

# --- messages in the machine's display language ---------------------------------

$global:WHMessages = @{
    en = @{
        permission   = "You do not have the required permission to complete this task. Contact the administrator of the authorization policy for the computer '{0}'."
        'in-use'     = "Failed while adding virtual Ethernet switch connections. Ethernet port '{0}' bind failed: Cannot create a file when that file already exists. (0x800700B7)."
        'bind-failed'= "Failed while adding virtual Ethernet switch connections. Ethernet port '{0}' bind failed: Element not found. (0x80070490)."
        'no-switch'  = 'Hyper-V was unable to find a virtual switch with id "{0}".'
        'no-switch-name' = 'Hyper-V was unable to find a virtual switch with name "{0}".'
        'no-binding' = "No MSFT_NetAdapterBindingSettingData objects found with property 'ComponentID' equal to '{0}'."
        'no-adapter' = "No MSFT_NetAdapter objects found with property 'InterfaceDescription' equal to '{0}'."
        'no-ipif'    = "No MSFT_NetIPInterface objects found with property 'InterfaceIndex' equal to '{0}'."
        'access'     = 'Access is denied.'
        'no-path'    = "Cannot find path '{0}' because it does not exist."
        'no-service' = "Cannot find any service with service name '{0}'."
        'uac'        = 'This command cannot be run due to the error: The operation was canceled by the user.'
        'namespace'  = 'Invalid namespace '
        'exists'     = 'Cannot create a file when that file already exists.'
        'member-exists' = 'Principal {0} is already a member of group Hyper-V Administrators.'
        'member-not-found' = 'Member {0} was not found in group Hyper-V Administrators.'
    }
    de = @{
        permission   = "Sie verfügen nicht über die erforderliche Berechtigung zum Ausführen dieser Aufgabe. Wenden Sie sich an den Administrator der Autorisierungsrichtlinie für den Computer ""{0}""."
        'in-use'     = 'Fehler beim Hinzufügen von Verbindungen des virtuellen Ethernet-Switches. Fehler beim Binden von Ethernet-Port "{0}": Eine Datei kann nicht erstellt werden, wenn sie bereits vorhanden ist. (0x800700B7).'
        'bind-failed'= 'Fehler beim Hinzufügen von Verbindungen des virtuellen Ethernet-Switches. Fehler beim Binden von Ethernet-Port "{0}": Element nicht gefunden. (0x80070490).'
        'no-switch'  = 'Hyper-V hat keinen virtuellen Switch mit der ID "{0}" gefunden.'
        'no-switch-name' = 'Hyper-V hat keinen virtuellen Switch mit dem Namen "{0}" gefunden.'
        'no-binding' = 'Es wurden keine MSFT_NetAdapterBindingSettingData-Objekte gefunden, deren Eigenschaft "ComponentID" gleich "{0}" ist.'
        'no-adapter' = 'Es wurden keine MSFT_NetAdapter-Objekte gefunden, deren Eigenschaft "InterfaceDescription" gleich "{0}" ist.'
        'no-ipif'    = 'Es wurden keine MSFT_NetIPInterface-Objekte gefunden, deren Eigenschaft "InterfaceIndex" gleich "{0}" ist.'
        'access'     = 'Zugriff verweigert'
        'no-path'    = 'Der Pfad "{0}" kann nicht gefunden werden, da er nicht vorhanden ist.'
        'no-service' = 'Es wurde kein Dienst mit dem Dienstnamen "{0}" gefunden.'
        'uac'        = 'Dieser Befehl kann aufgrund des folgenden Fehlers nicht ausgeführt werden: Der Vorgang wurde vom Benutzer abgebrochen.'
        'namespace'  = 'Ungültiger Namespace '
        'exists'     = 'Eine Datei kann nicht erstellt werden, wenn sie bereits vorhanden ist.'
        'member-exists' = 'Der Prinzipal "{0}" ist bereits Mitglied der Gruppe "Hyper-V-Administratoren".'
        'member-not-found' = 'Das Mitglied "{0}" wurde in der Gruppe "Hyper-V-Administratoren" nicht gefunden.'
    }
}

function Get-WHMessage {
    param([string]$Key, [object]$Arg = '')
    $lang = Get-WHAttr (Get-WHSim) 'language' 'en'
    return ($global:WHMessages[$lang][$Key] -f $Arg)
}

# --- error records as the real commands make them -------------------------------

function New-WHError {
    # ErrorId is the full FullyQualifiedErrorId the real command reports.
    param([System.Exception]$Exception, [string]$ErrorId, [System.Management.Automation.ErrorCategory]$Category, [object]$Target = $null)
    return New-Object System.Management.Automation.ErrorRecord $Exception, $ErrorId, $Category, $Target
}

function New-WHHyperVError {
    param([string]$Key, [object]$Arg, [string]$Id, [System.Management.Automation.ErrorCategory]$Category)
    $ex = New-Object Microsoft.HyperV.PowerShell.VirtualizationException (Get-WHMessage $Key $Arg)
    return New-WHError $ex $Id $Category $Arg
}

function New-WHPermissionError {
    # A.1: what a Hyper-V cmdlet says to a caller outside Hyper-V Administrators.
    param([string]$Cmdlet)
    return New-WHHyperVError 'permission' 'localhost' ("Unspecified,Microsoft.HyperV.PowerShell.Commands.$Cmdlet") 'PermissionDenied'
}

function New-WHAccessDenied {
    # A.5: a CIM-based change (NetAdapter, NetTCPIP, firewall) without an
    # administrator token fails with Win32 error 5.
    param([string]$Cmdlet)
    $ex = New-Object System.UnauthorizedAccessException (Get-WHMessage 'access')
    $ex.HResult = [int]0x80070005
    return New-WHError $ex ("Windows System Error 5,$Cmdlet") 'PermissionDenied'
}

function New-WHCimNotFound {
    param([string]$Key, [object]$Arg, [string]$Cmdlet, [string]$Property)
    $ex = New-Object Microsoft.PowerShell.Cmdletization.Cim.CimJobException (Get-WHMessage $Key $Arg)
    return New-WHError $ex ("CmdletizationQuery_NotFound_$Property,$Cmdlet") 'ObjectNotFound' $Arg
}

# <sim fail="MSFT_NetAdapter,...">: those CIM classes fail whole, as with a
# broken WMI provider: a non-terminating error and no objects, so
# -ErrorAction SilentlyContinue hides it (a test device for the agent's
# section errors; the error id follows Get-CimInstance's, as the one for an
# invalid namespace; the exception type is **assumed**).
function Get-WHFailure {
    param([string]$Class)
    if (-not (',' + (Get-WHAttr (Get-WHSim) 'fail' '') + ',').Contains(",$Class,")) { return $null }
    $ex = New-Object Microsoft.PowerShell.Cmdletization.Cim.CimJobException 'Provider load failure'
    return New-WHError $ex 'HRESULT 0x80041013,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand' 'NotSpecified'
}

# The counters the budgets speak of (DESIGN: an observe makes <= 3 module
# imports, <= 30 cmdlet or CIM calls). cmdlets.log: one line a call, as
# before; calls.log: the launch's cost as "LAUNCH KIND NAME" (SOURCES.md,
# "The agent's cost"). A cmdlet's first use in a session imports its module
# (PowerShell 3.0+ autoloading); a CDXML cmdlet is one CIM query of its class.
$global:WHModuleOf = @{
    'Enable-NetAdapterBinding' = 'NetAdapter', 'MSFT_NetAdapterBindingSettingData'
    'Disable-NetAdapterBinding' = 'NetAdapter', 'MSFT_NetAdapterBindingSettingData'
    'Set-NetIPInterface' = 'NetTCPIP', 'MSFT_NetIPInterface'
    'Get-NetFirewallHyperVRule' = 'NetSecurity', 'MSFT_NetFirewallHyperVRule'
    'New-NetFirewallHyperVRule' = 'NetSecurity', 'MSFT_NetFirewallHyperVRule'
    'Remove-NetFirewallHyperVRule' = 'NetSecurity', 'MSFT_NetFirewallHyperVRule'
    'Get-NetFirewallHyperVVMSetting' = 'NetSecurity', 'MSFT_NetFirewallHyperVVMSetting'
    'Get-VMSwitch' = 'Hyper-V', ''
    'Get-VMNetworkAdapter' = 'Hyper-V', ''
    'New-VMSwitch' = 'Hyper-V', ''
    'Set-VMSwitch' = 'Hyper-V', ''
    'Remove-VMSwitch' = 'Hyper-V', ''
    'Get-CimInstance' = 'CimCmdlets', ''
    'Get-Module' = '', ''
    'Get-ItemProperty' = 'Microsoft.PowerShell.Management', ''
    'Get-Service' = 'Microsoft.PowerShell.Management', ''
    'Get-LocalGroupMember' = 'Microsoft.PowerShell.LocalAccounts', ''
    'Add-LocalGroupMember' = 'Microsoft.PowerShell.LocalAccounts', ''
    'Remove-LocalGroupMember' = 'Microsoft.PowerShell.LocalAccounts', ''
}
$global:WHImported = @{}

function Add-WHCost {
    param([string]$Kind, [string]$Name)
    if ($env:WINHOST_DIR -and $env:WINHOST_LAUNCH) {
        [System.IO.File]::AppendAllText((Join-Path $env:WINHOST_DIR 'calls.log'), "$env:WINHOST_LAUNCH $Kind $Name`n")
    }
}

function Add-WHImport {
    # A cmdlet no module is known for counts as an import of its own, so a
    # new fake is measured (and named here) rather than free.
    param([string]$Cmdlet)
    $module = if ($global:WHModuleOf.ContainsKey($Cmdlet)) { $global:WHModuleOf[$Cmdlet][0] } else { "unmapped:$Cmdlet" }
    if ($module -eq '') { return }	# Microsoft.PowerShell.Core: loaded with every session
    if (-not $global:WHImported.ContainsKey($module)) {
        $global:WHImported[$module] = $true
        Add-WHCost 'import' $module
    }
}

function Add-WHCall {
    param([string]$Name)
    if ($env:WINHOST_DIR) {
        [System.IO.File]::AppendAllText((Join-Path $env:WINHOST_DIR 'cmdlets.log'), $Name + "`n")
    }
    if ($Name -eq 'Process.Start runas') { Add-WHCost 'process' 'powershell.exe'; return }
    $cmdlet, $class = $Name -split ' ', 2
    Add-WHImport $cmdlet
    Add-WHCost 'cmdlet' $cmdlet
    if (-not $class -and $global:WHModuleOf.ContainsKey($cmdlet)) { $class = $global:WHModuleOf[$cmdlet][1] }
    if ($class) { Add-WHCost 'cim' $class }
}

# Get-Module -ListAvailable lists installed modules without importing them
# (Get-Module docs); Hyper-V is there where the scenario has its module.
function Get-Module {
    [CmdletBinding()]
    param([switch]$ListAvailable, [Parameter(Position = 0)][string[]]$Name)
    if (-not $ListAvailable) { return Microsoft.PowerShell.Core\Get-Module @PSBoundParameters }
    Add-WHCall 'Get-Module'
    foreach ($n in $Name) {
        if ($n -ne 'Hyper-V') { throw "winhost fakes: Get-Module -ListAvailable $n is not modelled" }
        if (Test-Path -LiteralPath 'Function:\Get-VMSwitch') { [pscustomobject]@{ Name = 'Hyper-V'; ModuleType = 'Binary' } }
    }
}

# Get-Command with an exact name imports the module that has the command
# (Get-Command docs); the real one answers.
function Get-Command {
    $names = @()
    for ($i = 0; $i -lt $args.Count; $i++) {
        if ([string]$args[$i] -eq '-Name') { $names += @($args[++$i]); continue }
        if ([string]$args[$i] -like '-*') { $i++; continue }
        $names += @($args[$i])
    }
    foreach ($n in $names) {
        $n = [string]$n
        if (-not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($n) -and
            $global:WHModuleOf.ContainsKey($n) -and (Test-Path -LiteralPath "Function:\$n")) {
            Add-WHImport $n
        }
    }
    Microsoft.PowerShell.Core\Get-Command @args
}
