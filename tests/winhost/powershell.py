#!/usr/bin/env python3
"""powershell.py - the simulated powershell.exe (run through a wrapper that
the host folder's root/ holds at Windows/System32/WindowsPowerShell/v1.0).

Strict: it accepts exactly the documented invocation
  -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <agent>
  -Request <xml> -Response <xml> -AgentSha256 <hex> -RequestSha256 <hex>
with stdin from /dev/null and the working directory on the Windows drive, and
it runs only the shipped agent (byte-identical to templates/host-agent.ps1).
Anything else is refused the way a broken call would fail, and flagged.
"""

import hashlib
import json
import os
import stat
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import winhost  # noqa: E402

FLAGS = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File"]
NAMED = ["-Request", "-Response", "-AgentSha256", "-RequestSha256"]


def refuse(host, why, code=1):
    host.flag("powershell.exe refused: " + why)
    sys.stderr.write("powershell.exe (simulated): " + why + "\r\n")
    sys.exit(code)


def stdin_is_devnull():
    try:
        st, dn = os.fstat(0), os.stat("/dev/null")
    except OSError:
        return False
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == dn.st_rdev


def parse_argv(host, argv):
    if argv[:5] != FLAGS or len(argv) != 14:
        refuse(host, "unexpected command line %s" % json.dumps(argv))
    args = {"agent": argv[5]}
    rest = argv[6:]
    for i in range(0, 8, 2):
        if rest[i] != NAMED[i // 2]:
            refuse(host, "unexpected parameter %r" % rest[i])
        args[rest[i][1:]] = rest[i + 1]
    return args


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    folder = sys.argv[2]
    argv = sys.argv[3:]
    host = winhost.Host(folder)
    elevated = host.host.find("user").get("elevated") == "true"
    host.log("programs.log", "powershell.exe %s" % json.dumps(argv))
    host.log("launches.log", "from=wsl elevated=%s argv=%s" % ("yes" if elevated else "no", json.dumps(argv)))

    if not stdin_is_devnull():
        refuse(host, "stdin is not /dev/null: powershell.exe would wait for end of input")
    cwd = os.path.realpath(os.getcwd())
    if not cwd.startswith(os.path.realpath(host.drive_root()) + os.sep):
        refuse(host, "working directory %s is not on a Windows drive (interop would be slow, cmd prints a UNC warning)" % cwd)
    args = parse_argv(host, argv)
    paths = {k: host.to_linux(args[k]) for k in ("agent", "Request", "Response")}
    for k, p in paths.items():
        if p is None:
            refuse(host, "%s path %r is not a Windows path" % (k, args[k]))
    try:
        with open(paths["agent"], "rb") as f:
            text = f.read()
    except OSError as e:
        refuse(host, "cannot read the script %s: %s" % (args["agent"], e))
    with open(winhost.AGENT, "rb") as f:
        if f.read() != text:
            refuse(host, "INJECTION: the script is not the shipped host agent")

    time.sleep(host.sim.get("latency_ms", 0) / 1000.0)

    # What the agent does first: check the files against the hashes.
    if sha256(paths["agent"]) != args["AgentSha256"].lower() or \
            sha256(paths["Request"]) != args["RequestSha256"].lower():
        winhost.write_response(paths["Response"], [winhost.error_element(
            "hash-mismatch", message="the agent or request file is not the one wslbridge wrote")])
        sys.exit(3)
    try:
        req = ET.parse(paths["Request"]).getroot()
    except ET.ParseError as e:
        winhost.write_response(paths["Response"], [winhost.error_element("agent-failed", message=str(e))])
        sys.exit(1)
    op = req.get("op")
    if op == "observe":
        winhost.write_response(paths["Response"], [winhost.host_for_response(host, elevated)])
        sys.exit(0)
    if op != "apply":
        winhost.write_response(paths["Response"], [winhost.error_element("bad-request", message="unknown op %r" % op)])
        sys.exit(2)
    actions = req.findall("action")
    if actions and not elevated:
        mode = host.sim.get("uac", "accept")
        if mode == "deny":
            host.flag("uac prompt declined")
            winhost.write_response(paths["Response"], [winhost.error_element(
                "uac-declined", win32="1223", hresult="0x80004004",
                exception="System.InvalidOperationException", message=winhost.MESSAGES[host.error_language()]["uac"])])
            sys.exit(0)
        if mode == "none" or not host.user_admin():
            winhost.write_response(paths["Response"], [winhost.error_element(
                "elevation-failed", win32="5", hresult="0x80004005",
                exception="System.InvalidOperationException",
                message=winhost.MESSAGES[host.error_language()]["no-elevation"])])
            sys.exit(0)
        # The agent relaunches itself through UAC: one more powershell.exe.
        host.log("launches.log", "from=uac elevated=yes argv=%s" % json.dumps(argv + ["-Elevated"]))
        host.log("programs.log", "powershell.exe (elevated) %s" % json.dumps(argv + ["-Elevated"]))
        time.sleep(host.sim.get("latency_ms", 0) / 1000.0)
        elevated = True
    results = winhost.run_actions(host, actions)
    host.save()
    winhost.write_response(paths["Response"], [results, winhost.host_for_response(host, elevated)])
    sys.exit(0)


if __name__ == "__main__":
    main()
