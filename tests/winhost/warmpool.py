#!/usr/bin/env python3
"""warmpool.py - the simulated powershell.exe's warm PowerShell processes.

A cold pwsh spends about 1.5 s on .NET start-up and compiling before the
agent's first statement; a test run makes hundreds of launches.  So launches
go to a small pool of pwsh processes kept warm (fakes/warm-host.ps1), each
serving one launch at a time in a new runspace with the launch's own
environment and working directory.  An elevated copy started during a launch
takes another slot.  WINHOST_WARM=0 (tests/winhost/run) runs every launch in a cold pwsh instead
(t2004 checks that both give the same response).

  warmpool.py stop    stops this user's warm processes (tests/run-all does)
"""

import fcntl
import hashlib
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from winhost import HERE, REPO  # noqa: E402
SLOTS = 4
START_TIMEOUT = 60.0


def pool_dir():
    tag = hashlib.sha1(REPO.encode()).hexdigest()[:10]
    d = "/tmp/wslbridge-warm-%d-%s" % (os.getuid(), tag)
    os.makedirs(d, mode=0o700, exist_ok=True)
    return d


class NotListening(Exception):
    pass


def _ask(path, req, timeout=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        try:
            s.connect(path)
        except OSError as e:
            raise NotListening(str(e))
        s.sendall(json.dumps(req).encode())
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    return json.loads(data) if data else None


def _start(pwsh, sock, env, log):
    try:
        os.unlink(sock)
    except FileNotFoundError:
        pass
    with open(log, "ab") as lf:
        subprocess.Popen([pwsh, "-NoProfile", "-NonInteractive", "-NoLogo", "-File",
                          os.path.join(HERE, "fakes", "warm-host.ps1"), sock],
                         stdin=subprocess.DEVNULL, stdout=lf, stderr=lf, env=env, cwd="/", start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if _ask(sock, {"op": "ping"}, timeout=START_TIMEOUT) is not None:
                return True
        except NotListening:
            time.sleep(0.02)
    return False


def launch(pwsh, argv, env, cwd):
    """Runs start-agent.ps1 ARGV in a warm pwsh; (rc, out, err), or None
    when no slot could serve it (the caller then starts a cold pwsh)."""
    d = pool_dir()
    req = {"argv": argv, "env": env, "cwd": cwd}
    for i in range(SLOTS):
        lock = open(os.path.join(d, "%d.lock" % i), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        try:
            sock = os.path.join(d, "%d.sock" % i)
            for _attempt in range(2):
                try:
                    reply = _ask(sock, req)
                except NotListening:
                    reply = {"stale": True}
                except (OSError, ValueError) as e:
                    # It may have acted already: never run the launch twice.
                    return 1, "", "warm PowerShell host failed during the launch: %s\n" % e
                if reply is None:
                    return 1, "", "warm PowerShell host died during the launch\n"
                if not reply.get("stale"):
                    return reply["rc"], reply["out"], reply["err"]
                if not _start(pwsh, sock, env, os.path.join(d, "%d.log" % i)):
                    break
            return None
        finally:
            lock.close()
    return None


def stop():
    d = pool_dir()
    for i in range(SLOTS):
        sock = os.path.join(d, "%d.sock" % i)
        if os.path.exists(sock):
            try:
                _ask(sock, {"op": "stop"}, timeout=10)
            except (OSError, NotListening):
                pass


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        sys.stderr.write("usage: warmpool.py stop\n")
        sys.exit(2)
