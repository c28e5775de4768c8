"""winhost.py - the simulated Windows host's model, shared by run,
powershell.py and cmd.py.  Python standard library only, and written from the
reference notes, not from wslbridge's C code.

A host folder (WINHOST_DIR) holds:
  state.xml      the Windows state (same format as scenarios/*.xml)
  sim.json       simulator settings for this host (latency, uac, paths)
  launches.log   one line per powershell.exe start
  programs.log   one line per Windows program start (powershell.exe, cmd.exe)
  flags.log      anything the simulator refused or found suspicious
  root/          the Linux root wslbridge runs against (WSLBRIDGE_ROOT): the
                 drive mount with the user profile, /etc/wsl.conf, /proc files
"""

import json
import os
import time
import uuid
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
AGENT = os.path.join(REPO, "templates", "host-agent.ps1")
CREATED_NOTE = "Created by wslbridge"


# --- the host folder -------------------------------------------------------

class Host:
    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "sim.json"), encoding="utf-8") as f:
            self.sim = json.load(f)
        self.tree = ET.parse(os.path.join(folder, "state.xml"))
        self.root = self.tree.getroot()
        self.host = self.root.find("host")

    def save(self):
        ET.indent(self.tree)
        tmp = os.path.join(self.folder, "state.xml.tmp")
        self.tree.write(tmp, encoding="utf-8", xml_declaration=True)
        os.replace(tmp, os.path.join(self.folder, "state.xml"))

    def log(self, name, line):
        with open(os.path.join(self.folder, name), "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def flag(self, what):
        self.log("flags.log", what)

    # Windows path <-> the simulated drive under root/<automount root>.
    def to_linux(self, winpath):
        if len(winpath) < 3 or winpath[1:3] != ":\\":
            return None
        drive = winpath[0].lower()
        rest = winpath[3:].replace("\\", "/")
        mount = self.sim["automount_root"].strip("/")
        return os.path.join(self.folder, "root", mount, drive, rest)

    def drive_root(self):
        mount = self.sim["automount_root"].strip("/")
        return os.path.join(self.folder, "root", mount)

    def sim_elem(self):
        return self.root.find("sim")

    def user_admin(self):
        return self.sim_elem().get("admin", "yes") == "yes"

    def error_language(self):
        return self.sim_elem().get("language", "en")


# --- state helpers ---------------------------------------------------------

def adapters(host):
    return host.host.find("adapters")


def find_adapter(host, guid):
    for a in adapters(host).findall("adapter"):
        if a.get("guid", "").lower() == (guid or "").lower():
            return a
    return None


def switches(host):
    return host.host.find("switches")


def find_switch(host, sid):
    for s in switches(host).findall("switch"):
        if s.get("id", "").lower() == (sid or "").lower():
            return s
    return None


def binding(adapter, component):
    for b in adapter.findall("binding"):
        if b.get("component") == component:
            return b
    return None


def set_binding(adapter, component, enabled):
    b = binding(adapter, component)
    if b is None:
        return False
    b.set("enabled", "true" if enabled else "false")
    return True


def next_ifindex(host):
    return 1 + max([int(a.get("ifindex", "0")) for a in adapters(host).findall("adapter")] + [0])


def vnic_for(host, switch_name):
    for a in adapters(host).findall("adapter"):
        if a.get("name") == "vEthernet (%s)" % switch_name:
            return a
    return None


def move_ip(src, dst):
    """The host's IP configuration moves to the vNIC (and back)."""
    for tag in ("ipv4", "dns"):
        for e in src.findall(tag):
            src.remove(e)
            dst.append(e)
    if src.get("dns-suffix") is not None:
        dst.set("dns-suffix", src.get("dns-suffix"))


def hyperv_vnic_count(host):
    n = 0
    for a in adapters(host).findall("adapter"):
        if a.get("description", "").startswith("Hyper-V Virtual Ethernet Adapter"):
            n += 1
    return n


# --- errors as Windows gives them -------------------------------------------

MESSAGES = {
    "en": {
        "notfound-cmd": "The term '{0}' is not recognized as the name of a cmdlet, function, script file, or operable program.",
        "in-use": "Failed while adding virtual Ethernet switch connections. Ethernet port '{0}' bind failed: Cannot create a file when that file already exists. (0x800700B7).",
        "bind-failed": "Failed while adding virtual Ethernet switch connections. Ethernet port '{0}' bind failed: Element not found. (0x80070490).",
        "no-switch": "Hyper-V was unable to find a virtual switch with id \"{0}\".",
        "no-binding": "No MSFT_NetAdapterBindingSettingData objects found with property 'ComponentID' equal to '{0}'.",
        "no-adapter": "no adapter with InterfaceGuid {0}",
        "permission": "You do not have the required permission to complete this task. Contact the administrator of the authorization policy for the computer 'localhost'.",
        "uac": "This command cannot be run due to the error: The operation was canceled by the user.",
        "no-elevation": "This command cannot be run due to the error: Access is denied.",
        "netsh": "netsh exited with code 1: {0}",
    },
    "de": {
        "notfound-cmd": "Die Benennung \"{0}\" wurde nicht als Name eines Cmdlet, einer Funktion, einer Skriptdatei oder eines ausf\u00fchrbaren Programms erkannt.",
        "in-use": "Fehler beim Hinzuf\u00fcgen von Verbindungen des virtuellen Ethernet-Switches. Fehler beim Binden von Ethernet-Port \"{0}\": Eine Datei kann nicht erstellt werden, wenn sie bereits vorhanden ist. (0x800700B7).",
        "bind-failed": "Fehler beim Hinzuf\u00fcgen von Verbindungen des virtuellen Ethernet-Switches. Fehler beim Binden von Ethernet-Port \"{0}\": Element nicht gefunden. (0x80070490).",
        "no-switch": "Hyper-V hat keinen virtuellen Switch mit der ID \"{0}\" gefunden.",
        "no-binding": "Es wurden keine MSFT_NetAdapterBindingSettingData-Objekte gefunden, deren Eigenschaft \"ComponentID\" gleich \"{0}\" ist.",
        "no-adapter": "no adapter with InterfaceGuid {0}",
        "permission": "Sie verf\u00fcgen nicht \u00fcber die erforderliche Berechtigung zum Ausf\u00fchren dieser Aufgabe.",
        "uac": "Dieser Befehl kann aufgrund des folgenden Fehlers nicht ausgef\u00fchrt werden: Der Vorgang wurde vom Benutzer abgebrochen.",
        "no-elevation": "Dieser Befehl kann aufgrund des folgenden Fehlers nicht ausgef\u00fchrt werden: Zugriff verweigert.",
        "netsh": "netsh wurde mit Code 1 beendet: {0}",
    },
}


class PSError(Exception):
    """An ErrorRecord as the agent reports it (get-errorfacts)."""

    def __init__(self, host, key, arg, fqid, category, hresult, exception, inner=""):
        super().__init__(key)
        text = MESSAGES[host.error_language()][key].format(arg)
        self.facts = {
            "fqid": fqid,
            "category": category,
            "hresult": hresult,
            "inner": inner,
            "exception": exception,
            "message": text,
        }


def need_hyperv(host, cmdlet):
    if host.host.find("hyperv").get("module") != "true":
        raise PSError(host, "notfound-cmd", cmdlet, "CommandNotFoundException", "ObjectNotFound",
                      "0x80131501", "System.Management.Automation.CommandNotFoundException")


def get_adapter(host, guid):
    a = find_adapter(host, guid)
    if a is None:
        # The agent's own throw: FQID is the message, as for any thrown exception.
        raise PSError(host, "no-adapter", guid, "no adapter with InterfaceGuid %s" % guid,
                      "ObjectNotFound", "0x80131509",
                      "System.Management.Automation.ItemNotFoundException")
    return a


def get_switch(host, sid):
    s = find_switch(host, sid)
    if s is None:
        raise PSError(host, "no-switch", sid, "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch",
                      "InvalidArgument", "0x80131501", "Microsoft.HyperV.PowerShell.VirtualizationException")
    return s


def uplink_owner(host, adapter):
    for s in switches(host).findall("switch"):
        for u in s.findall("uplink"):
            if u.get("guid", "").lower() == adapter.get("guid", "").lower():
                return s
    return None


def check_bindable(host, adapter, cmd, switch=None):
    owner = uplink_owner(host, adapter)
    if owner is not None and owner is not switch:
        raise PSError(host, "in-use", adapter.get("description"), "ObjectInUse,Microsoft.HyperV.PowerShell.Commands.%s" % cmd,
                      "ResourceBusy", "0x80131509", "Microsoft.HyperV.PowerShell.VirtualizationException", "0x800700B7")
    vmware = binding(adapter, "vmware_bridge")
    if adapter.get("sim-bind-error") or (vmware is not None and vmware.get("enabled") == "true"):
        # VMware's bridge protocol holds the NIC: Hyper-V cannot bind it.
        raise PSError(host, "bind-failed", adapter.get("guid"), "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.%s" % cmd,
                      "ObjectNotFound", "0x80131509", "Microsoft.HyperV.PowerShell.VirtualizationException", "0x80070490")


def attach_uplink(host, switch, adapter, allow_mos):
    for u in switch.findall("uplink"):
        switch.remove(u)
    ET.SubElement(switch, "uplink", {"guid": adapter.get("guid")})
    switch.set("type", "2")
    switch.set("allow-management-os", "true" if allow_mos else "false")
    set_binding(adapter, "vms_pp", True)
    set_binding(adapter, "ms_tcpip", False)
    set_binding(adapter, "ms_tcpip6", False)
    vnic = vnic_for(host, switch.get("name"))
    if allow_mos and vnic is None:
        vnic = ET.SubElement(adapters(host), "adapter", {
            "name": "vEthernet (%s)" % switch.get("name"),
            "description": "Hyper-V Virtual Ethernet Adapter #%d" % (hyperv_vnic_count(host) + 1),
            "guid": "{%s}" % str(uuid.uuid4()).upper(),
            "mac": adapter.get("mac"), "status": "Up", "ifindex": str(next_ifindex(host)),
            "virtual": "true", "hardware": "false", "connector": "false",
            "physical-medium": "14", "media-connect": "1", "mtu": adapter.get("mtu", "1500"),
            "metric": adapter.get("metric", "25"), "automatic-metric": "1"})
    if vnic is not None:
        move_ip(adapter, vnic)
        for r in host.host.find("routes").findall("route"):
            if r.get("ifindex") == adapter.get("ifindex"):
                r.set("ifindex", vnic.get("ifindex"))


# --- actions ---------------------------------------------------------------

def act_create_switch(host, a):
    need_hyperv(host, "New-VMSwitch")
    adapter = get_adapter(host, a.get("adapter-guid"))
    check_bindable(host, adapter, "NewVMSwitch")
    s = ET.SubElement(switches(host), "switch", {
        "id": str(uuid.uuid4()), "name": a.get("name"), "type": "2",
        "allow-management-os": "false", "notes": CREATED_NOTE})
    attach_uplink(host, s, adapter, a.get("allow-management-os") == "true")


def act_bind_switch(host, a):
    need_hyperv(host, "Get-VMSwitch")
    adapter = get_adapter(host, a.get("adapter-guid"))
    s = get_switch(host, a.get("switch-id"))
    check_bindable(host, adapter, "SetVMSwitch", s)
    attach_uplink(host, s, adapter, a.get("allow-management-os") == "true")


def act_remove_switch(host, a):
    need_hyperv(host, "Get-VMSwitch")
    s = get_switch(host, a.get("switch-id"))
    if s.get("notes") != CREATED_NOTE:
        raise PSError(host, "no-adapter", "", "refusing to remove a switch wslbridge did not create",
                      "NotSpecified", "0x80131509", "System.InvalidOperationException")
    for nic in switches(host).findall("vm-nic"):
        if nic.get("switch-id", "").lower() == s.get("id").lower():
            raise PSError(host, "no-adapter", "", "refusing to remove a switch that virtual machines use",
                          "NotSpecified", "0x80131509", "System.InvalidOperationException")
    vnic = vnic_for(host, s.get("name"))
    for u in s.findall("uplink"):
        up = find_adapter(host, u.get("guid"))
        if up is not None:
            set_binding(up, "vms_pp", False)
            set_binding(up, "ms_tcpip", True)
            set_binding(up, "ms_tcpip6", True)
            if vnic is not None:
                move_ip(vnic, up)
                for r in host.host.find("routes").findall("route"):
                    if r.get("ifindex") == vnic.get("ifindex"):
                        r.set("ifindex", up.get("ifindex"))
    if vnic is not None:
        adapters(host).remove(vnic)
    switches(host).remove(s)


def act_set_binding(host, a):
    adapter = get_adapter(host, a.get("adapter-guid"))
    component = a.get("component")
    if not set_binding(adapter, component, a.get("enabled") == "true"):
        cmd = "Enable-NetAdapterBinding" if a.get("enabled") == "true" else "Disable-NetAdapterBinding"
        raise PSError(host, "no-binding", component, "CmdletizationQuery_NotFound_ComponentID,%s" % cmd,
                      "ObjectNotFound", "0x80131509", "Microsoft.PowerShell.Cmdletization.Cim.CimJobException")


def act_set_metric(host, a):
    adapter = get_adapter(host, a.get("adapter-guid"))
    adapter.set("metric", str(int(a.get("metric"))))
    adapter.set("automatic-metric", "0")


# --- forwarding: Hyper-V firewall, portproxy, Windows Firewall ---------------

WSL_CREATOR = "{40E0AC32-46A5-438A-A0B2-2B479E8F2E90}"
RULE_PREFIX = "wslbridge-"


def mirrored_capable(host):
    """None when mirrored mode works on this host, else WSL's reason (§7.2)."""
    w = host.host.find("windows")
    build, ubr = int(w.get("build", "0")), int(w.get("ubr", "0"))
    if build < 22621 or (build == 22621 and ubr < 2359):
        return "Windows version %d.%d does not have the required features" % (build, ubr)
    if w.get("installation") == "Server":
        return "HCN_E_REQUEST_UNSUPPORTED"
    if host.sim_elem().get("mirrored-fails"):
        return host.sim_elem().get("mirrored-fails")   # e.g. HNS without flow steering: not visible to wslbridge
    if int(w.get("ipv6-disabled-components", "0"), 0) & 0xFF == 0xFF:
        return ("IPv6 is disabled on the host in an unsupported way "
                "(HKLM\\...\\Tcpip6\\Parameters DisabledComponents=0xff)")
    return None


def hvfw(host):
    el = host.host.find("hyperv-firewall")
    if el is None:
        w = host.host.find("windows")
        present = int(w.get("build", "0")) >= 22621 and w.get("installation") != "Server"
        el = ET.SubElement(host.host, "hyperv-firewall", {"present": "true" if present else "false"})
        if present:
            el.set("enabled", "True")
            el.set("default-inbound", "Block")
    return el


def section(host, tag):
    el = host.host.find(tag)
    return el if el is not None else ET.SubElement(host.host, tag)


def our_rule(host, name):
    if not name.startswith(RULE_PREFIX):
        raise PSError(host, "netsh", "refusing to change a rule wslbridge did not make",
                      "refusing to change a rule wslbridge did not make", "InvalidOperation",
                      "0x80131509", "System.InvalidOperationException")


def netsh(host, words, ok, why):
    """A netsh.exe run by the agent: logged; a failure is its exit code."""
    host.log("programs.log", "netsh.exe %s" % json.dumps(words))
    if not ok:
        raise PSError(host, "netsh", why, "netsh exited with code 1: " + why, "InvalidOperation",
                      "0x80131509", "System.InvalidOperationException")


def valid_v4(a):
    parts = a.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)


def act_hvfw_allow(host, a):
    fw = hvfw(host)
    if fw.get("present") != "true":
        raise PSError(host, "notfound-cmd", "New-NetFirewallHyperVRule", "CommandNotFoundException",
                      "ObjectNotFound", "0x80131501", "System.Management.Automation.CommandNotFoundException")
    our_rule(host, a.get("name"))
    if a.get("protocol") not in ("TCP", "UDP"):
        raise PSError(host, "netsh", "bad protocol", "InvalidArgument", "InvalidArgument", "0x80070057",
                      "Microsoft.Management.Infrastructure.CimException")
    ET.SubElement(fw, "rule", {"name": a.get("name"), "direction": "Inbound", "protocol": a.get("protocol"),
                               "local-ports": a.get("port"), "action": "Allow", "enabled": "True"})


def act_hvfw_remove(host, a):
    fw = hvfw(host)
    our_rule(host, a.get("name"))
    for r in fw.findall("rule"):
        if r.get("name") == a.get("name"):
            fw.remove(r)
    # the agent looks first: a rule already gone is no error


def portproxy_find(host, la, lp):
    for r in section(host, "portproxy").findall("rule"):
        if r.get("listen-address") == la and r.get("listen-port") == lp:
            return r
    return None


def act_portproxy_set(host, a):
    la, lp, ca, cp = (a.get(k, "") for k in ("listen-address", "listen-port", "connect-address", "connect-port"))
    old = portproxy_find(host, la, lp)
    ok = valid_v4(la) and valid_v4(ca) and lp.isdigit() and cp.isdigit() and 0 < int(lp) < 65536 and 0 < int(cp) < 65536
    netsh(host, ["interface", "portproxy", "set" if old is not None else "add", "v4tov4", "listenport=" + lp,
                 "listenaddress=" + la, "connectport=" + cp, "connectaddress=" + ca], ok, "The parameter is incorrect.")
    if old is None:
        old = ET.SubElement(section(host, "portproxy"), "rule", {"listen-address": la, "listen-port": lp})
    old.set("connect-address", ca)
    old.set("connect-port", cp)


def act_portproxy_delete(host, a):
    la, lp = a.get("listen-address", ""), a.get("listen-port", "")
    r = portproxy_find(host, la, lp)
    if r is None:
        return          # the agent reads the registry first: nothing to delete
    netsh(host, ["interface", "portproxy", "delete", "v4tov4", "listenport=" + lp, "listenaddress=" + la],
          True, "")
    section(host, "portproxy").remove(r)


def act_fwrule_add(host, a):
    our_rule(host, a.get("name"))
    words = ["advfirewall", "firewall", "add", "rule", "name=" + a.get("name"), "dir=in", "action=allow",
             "protocol=TCP", "localport=" + a.get("port", "")]
    if a.get("listen-address") != "0.0.0.0":
        words.append("localip=" + a.get("listen-address", ""))
    netsh(host, words, a.get("port", "").isdigit(), "A specified port value is not valid.")
    ET.SubElement(section(host, "firewall-rules"), "rule", {"name": a.get("name"), "enabled": "1"})


def act_fwrule_delete(host, a):
    our_rule(host, a.get("name"))
    rules = section(host, "firewall-rules")
    found = [r for r in rules.findall("rule") if r.get("name") == a.get("name")]
    if not found:
        return          # the agent asks CIM first: nothing to delete
    netsh(host, ["advfirewall", "firewall", "delete", "rule", "name=" + a.get("name")], True, "")
    for r in found:
        rules.remove(r)


ACTIONS = {
    "hvfw-allow": act_hvfw_allow,
    "hvfw-remove": act_hvfw_remove,
    "portproxy-set": act_portproxy_set,
    "portproxy-delete": act_portproxy_delete,
    "fwrule-add": act_fwrule_add,
    "fwrule-delete": act_fwrule_delete,
    "create-switch": act_create_switch,
    "bind-switch": act_bind_switch,
    "remove-switch": act_remove_switch,
    "set-binding": act_set_binding,
    "set-metric": act_set_metric,
}


# --- responses -------------------------------------------------------------

def host_for_response(host, elevated):
    """A copy of <host> as the agent would write it right now."""
    h = ET.fromstring(ET.tostring(host.host))
    h.find("user").set("elevated", "true" if elevated else "false")
    for a in h.find("adapters").findall("adapter"):
        for k in [k for k in a.attrib if k.startswith("sim-")]:
            del a.attrib[k]
    if h.find("hyperv-firewall") is None:
        h.append(ET.fromstring(ET.tostring(hvfw(host))))
    for tag in ("portproxy", "firewall-rules"):
        if h.find(tag) is None:
            ET.SubElement(h, tag)
    if h.find("hyperv-firewall").get("present") != "true":
        for r in h.find("hyperv-firewall").findall("rule"):
            h.find("hyperv-firewall").remove(r)
    if h.find("services") is None:
        ET.SubElement(h, "services", {"global-secure-access": host.sim_elem().get("gsa", "missing")})
    ports = ET.SubElement(h, "external-ports")
    if h.find("hyperv").get("hypervisor-present") == "true":
        for a in h.find("adapters").findall("adapter"):
            if a.get("hardware") == "true":
                b = binding(a, "vms_pp")
                ET.SubElement(ports, "port", {
                    "name": a.get("description"), "mac": a.get("mac", "").replace("-", ""),
                    "bound": "true" if b is not None and b.get("enabled") == "true" else "false"})
    if h.find("hyperv").get("module") != "true":
        sw = h.find("switches")
        for s in list(sw):
            sw.remove(s)
    return h


def write_response(path, children):
    resp = ET.Element("response", {"version": "1"})
    for c in children:
        resp.append(c)
    tree = ET.ElementTree(resp)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def error_element(kind, **facts):
    e = ET.Element("error", {"kind": kind})
    for k, v in facts.items():
        e.set(k, str(v))
    return e


def run_actions(host, actions):
    results = ET.Element("results")
    failed = False
    for a in actions:
        r = ET.SubElement(results, "result", {"id": a.get("id", "")})
        if failed:
            r.set("status", "skipped")
            continue
        fn = ACTIONS.get(a.get("type"))
        try:
            if fn is None:
                raise PSError(host, "no-adapter", "", "unknown action type %s" % a.get("type"),
                              "NotSpecified", "0x80070057", "System.ArgumentException")
            fn(host, a)
            r.set("status", "ok")
            r.set("ms", "0")
        except PSError as e:
            failed = True
            r.set("status", "error")
            for k, v in e.facts.items():
                r.set(k, v)
    return results


def now_ms():
    return int(time.time() * 1000)


# --- WSL restarting its VM --------------------------------------------------

def read_wslconfig(path):
    """What WSL reads from .wslconfig, for the keys the model needs: first
    occurrence wins, [experimental] aliases, quotes and # comments.  Written
    from the reference notes, independently of wslbridge's parser."""
    values, section = {}, ""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            text = f.read()
    except OSError:
        return values
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip(" \t")
        if line.startswith("["):
            section = line[1:line.find("]")].lower() if "]" in line else ""
            continue
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        out, quoted, invalid, chars = "", False, False, iter(value.strip(" \t"))
        kept = 0  # blanks up to here were quoted or escaped: not trimmed
        for ch in chars:
            if ch == "\\":
                esc = {"\\": "\\", '"': '"', "b": "\b", "n": "\n", "t": "\t"}.get(next(chars, ""))
                if esc is None:
                    invalid = True  # "Invalid escaped character": the line is ignored
                    break
                out += esc
                kept = len(out)
            elif ch == '"':
                quoted = not quoted
                kept = len(out)
            elif ch == "#" and not quoted:
                break
            else:
                out += ch
                kept = len(out) if quoted else kept
        if invalid:
            continue
        name = key.strip().lower()
        if section == "experimental" and name in ("networkingmode", "dnstunneling", "firewall", "autoproxy"):
            section_key = "wsl2." + name
        else:
            section_key = section + "." + name
        values.setdefault(section_key, out[:kept] + out[kept:].rstrip(" \t"))
    return values


NAT_ETH0 = {"address": "172.20.20.5/20", "gateway": "172.20.16.1", "mac": "00:15:5d:4f:12:0a"}
WSL_RESOLV = ("# This file was automatically generated by WSL. To stop automatic generation of this "
              "file, add the following entry to /etc/wsl.conf:\n# [network]\n# generateResolvConf = false\n"
              "nameserver 10.255.255.254\n")


def wsl_message(host, text):
    """What WSL prints on the Windows console when it starts (not visible in the VM)."""
    host.log("wsl-messages.log", text)


def mirrored_eth0(host, cfg):
    """Mirrored: eth0 mirrors the host's interface with the default route."""
    best = None
    for r in host.host.find("routes").findall("route"):
        a = next((x for x in adapters(host).findall("adapter")
                  if x.get("ifindex") == r.get("ifindex") and x.get("status") == "Up"), None)
        if a is not None and a.find("ipv4") is not None and (best is None or int(a.get("metric", "0")) <
                                                             int(best[0].get("metric", "0"))):
            best = (a, r.get("next-hop"))
    if best is None:
        return {"present": "false"}, ""
    a, gw = best
    ip4 = a.find("ipv4")
    eth = {"address": "%s/%s" % (ip4.get("address"), ip4.get("prefix")), "gateway": gw,
           "mtu": a.get("mtu", "1500"), "mac": a.get("mac", "").replace("-", ":").lower()}
    tunnel = cfg.get("wsl2.dnstunneling", "true").lower() in ("true", "1", "yes", "on")
    dns = a.find("dns")
    return eth, WSL_RESOLV if tunnel or dns is None else "nameserver %s\n" % dns.get("server")


def wsl_restart(host):
    """What the VM gets after `wsl --shutdown` and the next start (reference §4)."""
    user = host.host.find("user")
    cfg = read_wslconfig(host.to_linux(user.get("profile") + "\\.wslconfig"))
    mode = cfg.get("wsl2.networkingmode", "nat").lower()
    policy = host.host.find("policy")
    if policy.get("allow-networking-mode") == "0":
        mode = ["none", "nat", "bridged", "mirrored", "virtioproxy"][int(policy.get("default-networking-mode", "1"))]
    eth, resolv = dict(NAT_ETH0), WSL_RESOLV
    build = int(host.host.find("windows").get("build", "0"))
    if mode == "bridged":
        name = cfg.get("wsl2.vmswitch", "")
        found = [s for s in switches(host).findall("switch") if s.get("name") == name]
        if host.host.find("wsl").get("version", "").startswith("2.5.4"):
            mode = "nat"                    # that pre-release removed bridged mode
        elif build < 22000 or not found:
            mode, eth, resolv = "none", None, ""   # WSL_E_VMSWITCH_NOT_FOUND / 0x8037010d
        else:
            eth = {"mac": cfg.get("wsl2.macaddress", "5e:bb:f6:9e:ee:fa").replace("-", ":").lower(),
                   "carrier": "down"}
            resolv = "nameserver 192.168.1.1\n"
            sw = found[0]
            up = find_adapter(host, sw.find("uplink").get("guid")) if sw.find("uplink") is not None else None
            vnic = vnic_for(host, name)
            if sw.get("type") == "2" and up is not None and up.get("status") == "Up" and vnic is not None \
                    and vnic.find("ipv4") is not None:
                net = vnic.find("ipv4").get("address").rsplit(".", 1)[0]
                eth.update(address="%s.57/%s" % (net, vnic.find("ipv4").get("prefix")),
                           gateway=net + ".1", carrier="up")
    if mode == "mirrored":
        why = mirrored_capable(host)
        if why == "HCN_E_REQUEST_UNSUPPORTED":
            # Server: HNS refuses the request and WSL falls back to None (#12486).
            wsl_message(host, "wsl: The specified request is unsupported.\nError code: CreateInstance/CreateVm/"
                        "ConfigureNetworking/0x803b0015\nwsl: Failed to configure network (networkingMode "
                        "Mirrored), falling back to networkingMode None.")
            mode, eth, resolv = "none", None, ""
        elif why:
            wsl_message(host, "wsl: Mirrored networking mode is not supported: %s.\nFalling back to NAT "
                        "networking." % why)
            mode = "nat"
        else:
            eth, resolv = mirrored_eth0(host, cfg)
    if mode == "nat":
        if host.sim.get("nat_address"):
            eth["address"] = host.sim["nat_address"]
        mtus = [int(a.get("mtu", "1500")) for a in adapters(host).findall("adapter")
                if a.get("status") == "Up" and a.get("mtu") and not a.get("name", "").startswith("vEthernet")]
        eth["mtu"] = str(min(mtus + [1500]))
    linux = host.root.find("linux")
    for child in list(linux):
        if child.tag in ("eth0", "resolv"):
            linux.remove(child)
    linux.set("mode", mode)
    ET.SubElement(linux, "eth0", eth if eth is not None else {"present": "false"})
    if resolv:
        ET.SubElement(linux, "resolv").text = resolv
    host.save()
    os.makedirs(os.path.join(host.folder, "root", "proc"), exist_ok=True)
    with open(os.path.join(host.folder, "root", "proc", "stat"), "w") as f:
        f.write("btime %d\n" % int(time.time()))   # the VM booted now
    with open(os.path.join(host.folder, "linux-mode"), "w") as f:
        f.write(mode + "\n")
    resolv_path = os.path.join(host.folder, "root", "etc", "resolv.conf")
    with open(resolv_path, "w") as f:
        f.write(resolv)
