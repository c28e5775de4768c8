#!/bin/sh
# tests/install-deps.sh [build|test] - install what wslbridge needs from
# Debian packages: "build" for `make`; "test" (the default) also for
# `make check`, plus the test-only npm packages in tests/pwsh (the PowerShell
# grammar).  Installs only what is missing; uses sudo when not root.
set -eu
cd "$(dirname "$0")/.."
# libxml2-utils: xmllint, with which the simulated host checks the protocol.
# strace: t7004 holds a run's mkdir to win the staging race for certain.
# dnsmasq-base, nftables: t3002 runs doctor against real nameservers and a router that
# drops "fragmentation needed"; python3-jsonschema: the JSON outputs against their schemas.
# bindfs: t7005 shows the Windows profile as drvfs does (every file 0777, the
# user's); without it the test uses a chmod 0777 tree.
# zsh, fish: t6007 drives the completion wrappers in them (test only).
build_pkgs="gcc make pkg-config libxml2-dev libpcre2-dev libxml2-utils python3"
test_pkgs="$build_pkgs libcmocka-dev clang libclang-rt-14-dev util-linux iproute2 tmux zsh fish less lintian groff-base valgrind strace bindfs nodejs npm dnsmasq-base nftables python3-jsonschema"
case "${1:-test}" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
*) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	case $p in
	nodejs|npm|python3)	# a newer one outside dpkg's view will do
		command -v "$(echo "$p" | sed s/js$//)" >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
	echo "installing:$missing"
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ "${1:-test}" = test ] && [ ! -f tests/pwsh/node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm ]; then
	echo "installing the PowerShell grammar (npm, test only)"
	(cd tests/pwsh && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

# PowerShell for the simulated Windows host (test only): the host agent runs
# in real pwsh against fakes of the Windows commands.
PWSH_VERSION=7.6.9
if [ ! -x tests/.tools/pwsh/pwsh ]; then
	if command -v dotnet >/dev/null 2>&1; then
		echo "installing PowerShell $PWSH_VERSION (a .NET tool, test only)"
		dotnet tool install PowerShell --version "$PWSH_VERSION" --tool-path tests/.tools/pwsh >/dev/null
	else
		echo "no .NET SDK: the tests that run the host agent will be skipped." >&2
		echo "  to run them: apt-get install dotnet-sdk-8.0 (or newer), then tests/install-deps.sh" >&2
		[ "${CI:-}" = true ] && { echo "CI=true: PowerShell is required" >&2; exit 1; }
	fi
fi
# Where the .NET runtime is: the boot-time tests replace /etc (and with it
# /etc/dotnet and /etc/alternatives), where pwsh's launcher would look.
if command -v dotnet >/dev/null 2>&1 && [ -d tests/.tools/pwsh ]; then
	dirname "$(readlink -f "$(command -v dotnet)")" >tests/.tools/dotnet-root
fi
