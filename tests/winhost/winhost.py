"""winhost.py - the simulated Windows host's folder and WSL's restart model,
shared by run, powershell.py, cmd.py, wsl.py and netsh.py.  The Windows
commands themselves are faked in PowerShell (fakes/), which read and change
the same state.xml.  Python standard library only, and written from the
reference notes, not from wslbridge's C code.

A host folder (WINHOST_DIR) holds:
  state.xml      the Windows state (same format as scenarios/*.xml)
  sim.json       simulator settings for this host (latency, uac, paths)
  launches.log   one line per powershell.exe start
  programs.log   one line per Windows program start (powershell.exe, cmd.exe,
                 and the agent's wsl.exe and netsh.exe)
  cmdlets.log    one line per faked cmdlet call (fakes/), for the budgets
  calls.log      the agent's cost per launch, "LAUNCH KIND NAME": launch,
                 import (a module loaded), cmdlet, cim (a CIM query), native
                 (a program the agent started: wsl.exe, netsh.exe)
  flags.log      anything the simulator refused or found suspicious
  root/          the Linux root wslbridge runs against (WSLBRIDGE_ROOT): the
                 drive mount with the user profile, /etc/wsl.conf, /proc files
"""

import json
import os
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
AGENT = os.path.join(REPO, "templates", "host-agent.ps1")
POWERSHELL = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"


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

    def native(self, name):
        """A Windows program started by the host agent (not by wslbridge):
        one line in calls.log for the launch that started it."""
        launch = os.environ.get("WINHOST_LAUNCH")
        if launch:
            self.log("calls.log", "%s native %s" % (launch, name))

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

    def to_windows(self, linuxpath):
        """The Windows path of a file on the simulated drive, else None."""
        root = os.path.join(self.folder, "root", self.sim["automount_root"].strip("/")) + os.sep
        if not linuxpath.startswith(root) or len(linuxpath) < len(root) + 1:
            return None
        rest = linuxpath[len(root):]
        return rest[0].upper() + ":\\" + rest[2:].replace("/", "\\")

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


def vnic_for(host, switch_name):
    for a in adapters(host).findall("adapter"):
        if a.get("name") == "vEthernet (%s)" % switch_name:
            return a
    return None


# --- WSL's view of the host ----------------------------------------------

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


def lan_ipv4(host, vnic_ipv4):
    """The LAN a bridged guest's DHCP lease comes from: the vNIC's network, or, while the vNIC
    has only a link-local address (its own lease not renewed yet, E.20), the network of the
    adapter with the default route (assumed)."""
    if not vnic_ipv4.get("address", "").startswith("169.254."):
        return vnic_ipv4
    for r in host.host.find("routes").findall("route"):
        a = next((x for x in adapters(host).findall("adapter") if x.get("ifindex") == r.get("ifindex")), None)
        if a is not None and a.find("ipv4") is not None:
            return a.find("ipv4")
    return vnic_ipv4


def wsl_version(host):
    """WSL's version as a tuple; () for inbox WSL."""
    v = host.host.find("wsl").get("version", "")
    return tuple(int(x) for x in v.split(".") if x.isdigit()) if v else ()


def consomme_start(host, cfg, mode, eth, resolv):
    """Consomme (VirtioProxy before 2.9.0): WSL's user-mode NAT (wsl-2026.md, WslCoreConfig.cpp)."""
    ver = wsl_version(host)
    if mode == "consomme" and ver < (2, 9, 0) or ver < (2, 3, 25):
        # an enum value this WSL does not know: a warning, and the default mode
        wsl_message(host, "wsl: Invalid value '%s' for config key 'wsl2.networkingMode' (Valid values: "
                    "Bridged, Mirrored, Nat, None, VirtioProxy)" % cfg.get("wsl2.networkingmode"))
        return "nat", eth, resolv
    if cfg.get("wsl2.virtio", "true").lower() in ("false", "0"):
        wsl_message(host, "wsl: Consomme networking is not supported when wsl2.virtio is disabled; "
                    "falling back to networkingMode Nat.")
        return "nat", eth, resolv
    # BuildVirtioNetConfig: the host's preferred address and its best gateway; a fixed client MAC
    eth, resolv = mirrored_eth0(host, cfg)
    if eth.get("present") != "false":
        eth["mac"] = "00:00:00:00:01:00"
    return ("consomme" if ver >= (2, 9, 0) else "virtioproxy"), eth, resolv


HYPERV_ADMINS = "S-1-5-32-578"
DEFAULT_SID = "S-1-5-21-1004336348-1177238915-682003330-1001"


def user_sid(host):
    return host.sim_elem().get("sid", DEFAULT_SID)


def sign_in(host):
    """A.2: the user signs out and in: the new token holds the groups the
    user is a member of now (state.xml <groups>, written by the fakes)."""
    groups = host.host.find("groups")
    if groups is None:
        return          # nobody changed a group: the token is what it was
    member = any(m.get("group") == HYPERV_ADMINS and m.get("sid") == user_sid(host) for m in groups.findall("member"))
    host.host.find("user").set("hyperv-admin", "true" if member else "false")
    host.save()


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
                lan = lan_ipv4(host, vnic.find("ipv4"))
                net = lan.get("address").rsplit(".", 1)[0]
                eth.update(address="%s.57/%s" % (net, lan.get("prefix")),
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
    if mode in ("consomme", "virtioproxy"):
        mode, eth, resolv = consomme_start(host, cfg, mode, eth, resolv)
    if mode == "nat":
        if host.sim.get("nat_address"):
            eth["address"] = host.sim["nat_address"]
        mtus = [int(a.get("mtu", "1500")) for a in adapters(host).findall("adapter")
                if a.get("status") == "Up" and a.get("mtu") and not a.get("name", "").startswith("vEthernet")]
        eth["mtu"] = str(min(mtus + [1500]))
    linux = host.root.find("linux")
    for child in list(linux):
        if child.tag in ("eth0", "resolv", "loopback0"):
            linux.remove(child)
    linux.set("mode", mode)
    ET.SubElement(linux, "eth0", eth if eth is not None else {"present": "false"})
    relay = cfg.get("wsl2.localhostforwarding", "true").lower() not in ("false", "0")
    if mode in ("mirrored", "consomme", "virtioproxy") and relay:
        ET.SubElement(linux, "loopback0")   # WSL's relay to Windows' 127.0.0.1
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
