#!/bin/sh
# tests/install-deps.sh [build|test] - install the Debian packages wslbridge
# needs: "build" for `make`, "test" (the default) also for `make check`.
# Installs only what is missing; uses sudo when not root.
set -eu
build_pkgs="gcc make pkg-config libxml2-dev libpcre2-dev"
test_pkgs="$build_pkgs libcmocka-dev clang libclang-rt-14-dev util-linux"
case "${1:-test}" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
*) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
echo "installing:$missing"
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
