#!/usr/bin/env python3
"""powershell.py - the simulated powershell.exe (run through a wrapper that
the host folder's root/ holds at Windows/System32/WindowsPowerShell/v1.0).

Strict: from WSL it accepts exactly the documented invocation
  -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <agent>
  -Request <xml> -Response <xml> -AgentSha256 <hex> -RequestSha256 <hex>
with stdin from /dev/null and the working directory on the Windows drive, and
it runs only the shipped agent (byte-identical to templates/host-agent.ps1).
Anything else is refused the way a broken call would fail, and flagged.

Then it runs that file in real PowerShell (pwsh, tests/install-deps.sh) with
the fakes of fakes/ loaded: nothing of the agent is emulated here.  Python
keeps the launch contract, the UAC decision and the latency.

The agent's own elevation (Start-Process -Verb RunAs, faked in
fakes/system.ps1) comes back here with WINHOST_RUNAS=1: this accepts only
  -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand <base64>
decides the prompt as the scenario says and runs that command elevated, as
powershell.exe would (start-agent.ps1 decodes it and runs it as typed; the
agent file is not looked at here: checking it is the command's job), or
exits 223 for "declined" (the fake raises what Windows raises, B.6).  With
a UAC hold folder (run --uac-hold DIR) the prompt waits: it writes
DIR/prompt and answers once DIR/answer exists, so a test can act during it.
"""

import base64
import json
import os
import stat
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import warmpool  # noqa: E402
import winhost  # noqa: E402

FLAGS = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File"]
ELEVATED_FLAGS = ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"]
HOLD_TIMEOUT = 120
NAMED = ["-Request", "-Response", "-AgentSha256", "-RequestSha256"]
DECLINED = 223
OTS_SID = "S-1-5-21-1004336348-1177238915-682003330-500"   # the administrator of B.7
PROTOCOL = os.path.join(winhost.REPO, "templates", "host-protocol.rng")
ADMINS, HYPERV_ADMINS = "S-1-5-32-544", "S-1-5-32-578"
# C.12: what powershell.exe prints when a policy stops an unsigned script.
ALLSIGNED = ("File {0} cannot be loaded. The file {0} is not digitally signed. You cannot run this script "
             "on the current system. For more information about running scripts and setting execution policy, "
             "see about_Execution_Policies at https://go.microsoft.com/fwlink/?LinkID=135170.")


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
    rest = argv[6:14]
    for i in range(0, 8, 2):
        if rest[i] != NAMED[i // 2]:
            refuse(host, "unexpected parameter %r" % rest[i])
        args[rest[i][1:]] = rest[i + 1]
    return args


def pwsh_path():
    p = os.environ.get("WINHOST_PWSH") or os.path.join(winhost.REPO, "tests", ".tools", "pwsh", "pwsh")
    if not os.access(p, os.X_OK):
        sys.stderr.write("powershell.exe (simulated): no PowerShell at %s: run tests/install-deps.sh\r\n" % p)
        sys.exit(9009)
    return p


def token(host, elevated, account):
    """The environment that tells the fakes whose token this process has."""
    user = host.host.find("user")
    groups = []
    if account != host.sim_elem().get("user", "alice") or user.get("admin-member") == "true":
        groups.append(ADMINS)
    if user.get("hyperv-admin") == "true" and account == host.sim_elem().get("user", "alice"):
        groups.append(HYPERV_ADMINS)
    sid = winhost.user_sid(host) if account == host.sim_elem().get("user", "alice") else OTS_SID
    return {"WINHOST_TOKEN": "elevated" if elevated else "filtered", "WINHOST_GROUPS": ",".join(groups),
            "WINHOST_ACCOUNT": account, "WINHOST_SID": sid, "WINHOST_USER_SID": winhost.user_sid(host)}


def user_modules(profile):
    """B.10: the first PSModulePath entry, the user's own modules."""
    return profile + "\\Documents\\WindowsPowerShell\\Modules"


def run_agent(host, paths, args, env_extra):
    if host.sim_elem().get("execution-policy") == "AllSigned":
        sys.stderr.write(ALLSIGNED.format(args["agent"]) + "\r\n")
        sys.exit(1)
    script = [paths["agent"]]
    for k in ("Request", "Response", "AgentSha256", "RequestSha256"):
        script += ["-" + k, paths.get(k, args[k])]
    return run_pwsh(host, script, env_extra)


def run_pwsh(host, script, env_extra):
    """start-agent.ps1 with SCRIPT (an agent and its arguments, or
    -EncodedCommand and its text) in a warm or a cold pwsh: its exit code."""
    time.sleep(host.sim.get("latency_ms", 0) / 1000.0)
    env = dict(os.environ)
    env.pop("WINHOST_RUNAS", None)
    user = host.host.find("user")
    env.update({
        "WINHOST_DIR": host.folder, "WINHOST_PSEXE": host.to_linux(winhost.POWERSHELL),
        "SystemRoot": host.to_linux("C:\\Windows"), "USERPROFILE": user.get("profile"), "TEMP": user.get("temp"),
        "WINHOST_LANGMODE": host.sim_elem().get("language-mode", "FullLanguage"),
        "POWERSHELL_TELEMETRY_OPTOUT": "1", "POWERSHELL_UPDATECHECK": "Off", "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        "DOTNET_NOLOGO": "1",
    })
    try:
        with open(os.path.join(winhost.REPO, "tests", ".tools", "dotnet-root"), encoding="utf-8") as f:
            env["DOTNET_ROOT"] = f.read().strip()
    except OSError:
        pass
    if host.sim.get("coverage"):
        env["WINHOST_COVERAGE"] = host.sim["coverage"]
    env.update(env_extra)
    # The agent's cost, per launch (fakes/state.ps1 Add-WHCall, winhost.native).
    env["WINHOST_LAUNCH"] = uuid.uuid4().hex[:12]
    host.log("calls.log", "%s launch %s" % (env["WINHOST_LAUNCH"],
                                            "elevated" if env.get("WINHOST_TOKEN") == "elevated" else "filtered"))
    env["WINHOST_USER_MODULES"] = host.to_linux(user_modules(env["USERPROFILE"])) or ""
    pwsh = pwsh_path()
    if host.sim.get("warm", "1") != "0":
        done = warmpool.launch(pwsh, script, env, os.getcwd())
        if done is not None:
            rc, out, err = done
            sys.stdout.write(out)
            sys.stderr.write(err)
            return rc
    cmd = [pwsh, "-NoProfile", "-NonInteractive", "-NoLogo", "-File",
           os.path.join(winhost.HERE, "fakes", "start-agent.ps1")] + script
    return subprocess.call(cmd, env=env, stdin=subprocess.DEVNULL)


def protocol_errors(path):
    """What xmllint says against templates/host-protocol.rng, or ''."""
    try:
        r = subprocess.run(["xmllint", "--noout", "--relaxng", PROTOCOL, path],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except FileNotFoundError:
        return "no xmllint to check it with: run tests/install-deps.sh"
    return "" if r.returncode == 0 else " ".join(r.stderr.split())


def checked_run(host, paths, args, env):
    """The launch, with both of its documents checked against the protocol
    (unless run with WINHOST_PROTOCOL=0, so that the agent's own checks can
    be tested): a request that breaks it is refused; a response that breaks it is taken
    away, so that the test sees a launch without a response."""
    why = protocol_errors(paths["Request"]) if host.sim.get("protocol", "1") != "0" else ""
    if why:
        refuse(host, "PROTOCOL: the request does not follow host-protocol.rng: " + why)
    req = ET.parse(paths["Request"]).getroot()
    host.log("requests.log", "op=%s actions=%s" % (req.get("op"), ",".join(a.get("type") for a in req.iter("action"))))
    rc = run_agent(host, paths, args, env)
    if os.path.exists(paths["Response"]) and host.sim.get("protocol", "1") != "0":
        why = protocol_errors(paths["Response"])
        if why:
            os.replace(paths["Response"], paths["Response"] + ".invalid")
            host.flag("PROTOCOL: the response does not follow host-protocol.rng: " + why)
            sys.stderr.write("powershell.exe (simulated): PROTOCOL: the agent's response does not follow "
                             "templates/host-protocol.rng: %s\r\n" % why)
    return rc


def hold_prompt(host, shown):
    """run --uac-hold DIR: the prompt stays up until DIR/answer exists."""
    hold = host.sim.get("uac_hold")
    if not hold:
        return
    os.makedirs(hold, exist_ok=True)
    with open(os.path.join(hold, "prompt.tmp"), "w", encoding="utf-8") as f:
        f.write(json.dumps(shown) + "\n")
    os.replace(os.path.join(hold, "prompt.tmp"), os.path.join(hold, "prompt"))
    deadline = time.time() + HOLD_TIMEOUT
    while not os.path.exists(os.path.join(hold, "answer")):
        if time.time() > deadline:
            refuse(host, "the UAC prompt was held %d s and nobody answered" % HOLD_TIMEOUT)
        time.sleep(0.02)


def decoded_command(host, argv):
    """The text of -EncodedCommand BASE64 (UTF-16LE), as powershell.exe reads it."""
    if argv[:5] != ELEVATED_FLAGS or len(argv) != 6:
        refuse(host, "unexpected elevated command line %s" % json.dumps(argv))
    try:
        return base64.b64decode(argv[5], validate=True).decode("utf-16-le")
    except (ValueError, UnicodeDecodeError):
        refuse(host, "-EncodedCommand is not base64 of UTF-16LE text")


def runas(host, argv):
    """The UAC prompt for the agent's Start-Process -Verb RunAs."""
    command = decoded_command(host, argv)
    mode = host.sim.get("uac", "accept")
    user = host.sim_elem().get("user", "alice")
    hold_prompt(host, argv)
    if mode in ("deny", "none"):
        # "none": a standard user with no administrator's password can only
        # cancel the credential prompt (assumed: the same as declining).
        host.flag("uac prompt declined" if mode == "deny" else "uac prompt: no administrator to sign in")
        sys.exit(DECLINED)
    elevated, account, extra = True, user, {}
    if mode == "off":
        elevated = False        # B.8: no prompt, and no elevation either
    elif not host.user_admin() or mode == "ots":
        # B.7: an administrator signs in over the shoulder: the copy is theirs.
        account = host.sim_elem().get("ots-account", "admin")
        extra = {"USERPROFILE": "C:\\Users\\" + account, "TEMP": "C:\\Users\\%s\\AppData\\Local\\Temp" % account}
    host.log("launches.log", "from=uac elevated=%s argv=%s" % ("yes" if elevated else "no", json.dumps(argv[:5])))
    host.log("programs.log", "powershell.exe (elevated) %s" % json.dumps(argv[:5] + [command]))
    env = token(host, elevated, account)
    env.update(extra)
    sys.exit(run_pwsh(host, argv[4:], env))


def main():
    folder = sys.argv[2]
    argv = sys.argv[3:]
    host = winhost.Host(folder)
    if os.environ.get("WINHOST_RUNAS") == "1":
        runas(host, argv)
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
    with open(host.sim.get("agent", winhost.AGENT), "rb") as f:
        if f.read() != text:
            refuse(host, "INJECTION: the script is not the shipped host agent")
    # The agent sees Linux paths for the same files: .NET on Linux cannot
    # open "C:\...".  A difference of the simulation only (README).
    sys.exit(checked_run(host, paths, args, token(host, elevated, host.sim_elem().get("user", "alice"))))


if __name__ == "__main__":
    main()
