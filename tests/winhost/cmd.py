#!/usr/bin/env python3
"""cmd.py - the simulated cmd.exe.  wslbridge starts it at most once per
state directory, to learn %TEMP% and %USERPROFILE% before its first
powershell.exe launch; it accepts exactly that command, and answers in UTF-8
(chcp 65001) with CRLF line ends as cmd.exe does."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import winhost  # noqa: E402

EXPECTED = ["/d", "/c", "chcp 65001>nul&echo %TEMP%&echo %USERPROFILE%"]


def main():
    host = winhost.Host(sys.argv[2])
    argv = sys.argv[3:]
    host.log("programs.log", "cmd.exe %s" % json.dumps(argv))
    host.native("cmd.exe")
    if argv != EXPECTED:
        host.flag("cmd.exe refused: unexpected command line %s" % json.dumps(argv))
        sys.stderr.write("'%s' is not recognized as an internal or external command\r\n" % " ".join(argv))
        sys.exit(1)
    user = host.host.find("user")
    out = "%s\r\n%s\r\n" % (user.get("temp"), user.get("profile"))
    sys.stdout.buffer.write(out.encode("utf-8"))


if __name__ == "__main__":
    main()
