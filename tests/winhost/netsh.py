#!/usr/bin/env python3
"""netsh.py - the simulated netsh.exe, as the host agent runs it: portproxy
v4tov4 add/set/delete and advfirewall rules add/delete, read from and written
to state.xml.  It prints in the console's OEM code page (D.18) and is judged by
its exit code; changes need an elevated token (A.5), as on Windows."""

import json
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import winhost  # noqa: E402

ELEVATION = "The requested operation requires elevation (Run as administrator).\r\n"
BAD = "The parameter is incorrect.\r\n"


def out(text, code):
    sys.stdout.buffer.write(text.encode("cp850", errors="replace"))
    sys.exit(code)


def valid_v4(a):
    parts = a.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)


def valid_port(p):
    return p.isdigit() and 0 < int(p) < 65536


def section(host, tag):
    el = host.host.find(tag)
    return el if el is not None else ET.SubElement(host.host, tag)


def portproxy(host, verb, kv):
    rules = section(host, "portproxy")
    la, lp = kv.get("listenaddress", ""), kv.get("listenport", "")
    found = [r for r in rules.findall("rule") if r.get("listen-address") == la and r.get("listen-port") == lp]
    if verb == "delete":
        if not found:
            out("The system cannot find the file specified.\r\n", 1)
        rules.remove(found[0])
        return
    ca, cp = kv.get("connectaddress", ""), kv.get("connectport", "")
    if not (valid_v4(la) and valid_v4(ca) and valid_port(lp) and valid_port(cp)):
        out(BAD, 1)
    if verb == "set" and not found:
        out("The system cannot find the file specified.\r\n", 1)
    r = found[0] if found else ET.SubElement(rules, "rule", {"listen-address": la, "listen-port": lp})
    r.set("connect-address", ca)
    r.set("connect-port", cp)


def firewall(host, verb, kv):
    rules = section(host, "firewall-rules")
    name = kv.get("name", "")
    if verb == "delete":
        found = [r for r in rules.findall("rule") if r.get("name") == name]
        if not found:
            out("No rules match the specified criteria.\r\n", 1)
        for r in found:
            rules.remove(r)
        return
    if not valid_port(kv.get("localport", "")) or (kv.get("localip") and not valid_v4(kv["localip"])):
        out("A specified port value is not valid.\r\n", 1)
    ET.SubElement(rules, "rule", {"name": name, "enabled": "1"})


def main():
    host = winhost.Host(sys.argv[2])
    argv = sys.argv[3:]
    host.log("programs.log", "netsh.exe %s" % json.dumps(argv))
    host.native("netsh.exe")
    kv = dict(w.split("=", 1) for w in argv if "=" in w)
    words = [w for w in argv if "=" not in w]
    if words[:2] == ["interface", "portproxy"] and len(words) == 4 and words[2] in ("add", "set", "delete") \
            and words[3] == "v4tov4":
        change = lambda: portproxy(host, words[2], kv)  # noqa: E731
    elif words[:2] == ["advfirewall", "firewall"] and len(words) == 4 and words[2] in ("add", "delete") \
            and words[3] == "rule":
        change = lambda: firewall(host, words[2], kv)  # noqa: E731
    else:
        host.flag("netsh.exe refused: %s" % json.dumps(argv))
        out("The following command was not found: %s.\r\n" % " ".join(argv), 1)
    if os.environ.get("WINHOST_TOKEN") != "elevated":
        out(ELEVATION, 1)
    change()
    host.save()
    out("Ok.\r\n\r\n", 0)


if __name__ == "__main__":
    main()
