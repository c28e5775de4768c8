#!/usr/bin/env python3
"""wsl.py - the simulated wsl.exe: `--shutdown` (from wslbridge: it stops the
VM; the next `run` with the same host starts it again the way WSL would, from
.wslconfig, see winhost.wsl_restart) and `--version` (from the host agent:
seven localized "label: value" lines, UTF-16LE unless WSL_UTF8=1; the inbox
wsl.exe of old Windows has no --version)."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import winhost  # noqa: E402

LABELS = {
    "en": ["WSL version", "Kernel version", "WSLg version", "MSRDC version", "Direct3D version", "DXCore version",
           "Windows version"],
    "de": ["WSL-Version", "Kernelversion", "WSLg-Version", "MSRDC-Version", "Direct3D-Version", "DXCore-Version",
           "Windows-Version"],
}


def emit(text):
    data = text.encode("utf-8") if os.environ.get("WSL_UTF8") == "1" else text.encode("utf-16-le")
    sys.stdout.buffer.write(data)


def version(host):
    w = host.host.find("wsl")
    if w.get("inbox") == "true" or not w.get("version"):
        emit("Invalid command line option: --version\r\n")
        sys.exit(1)
    values = [w.get("version"), w.get("kernel"), "1.0.66", "1.2.5716", "1.611.1-81528511", "10.0.26100.1-240331-1435.ge-release",
              w.get("windows")]
    labels = LABELS.get(host.error_language(), LABELS["en"])
    if host.sim_elem().get("wsl-warning") == "yes":
        # WSL's warning about the user's .wslconfig, on stderr, before the
        # answer (assumed: wsl.exe prints its config warnings there; D.14).
        sys.stderr.write("wsl: Unknown key 'wsl2.fooBar' in C:\\Users\\alice\\.wslconfig:3\r\n")
        sys.stderr.flush()
    emit("".join("%s: %s\r\n" % (k, v) for k, v in zip(labels, values)))


def main():
    host = winhost.Host(sys.argv[2])
    argv = sys.argv[3:]
    host.log("programs.log", "wsl.exe %s" % json.dumps(argv))
    host.native("wsl.exe")
    if argv == ["--version"]:
        version(host)
        return
    if argv != ["--shutdown"]:
        host.flag("wsl.exe refused: %s" % json.dumps(argv))
        sys.stderr.write("Invalid command line argument\r\n")
        sys.exit(1)
    open(os.path.join(host.folder, "restart-pending"), "w").close()


if __name__ == "__main__":
    main()
