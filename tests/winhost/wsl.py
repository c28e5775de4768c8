#!/usr/bin/env python3
"""wsl.py - the simulated wsl.exe: only `--shutdown`, which stops the VM.
The next `run` with the same host starts it again the way WSL would, from
.wslconfig (see winhost.wsl_restart)."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import winhost  # noqa: E402


def main():
    host = winhost.Host(sys.argv[2])
    argv = sys.argv[3:]
    host.log("programs.log", "wsl.exe %s" % json.dumps(argv))
    if argv != ["--shutdown"]:
        host.flag("wsl.exe refused: %s" % json.dumps(argv))
        sys.stderr.write("Invalid command line argument\r\n")
        sys.exit(1)
    open(os.path.join(host.folder, "restart-pending"), "w").close()


if __name__ == "__main__":
    main()
