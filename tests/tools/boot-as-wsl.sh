# tests/tools/boot-as-wsl.sh CMD [then...]: run inside the simulated VM's
# network namespace and a private mount namespace (`unshare -m sh` this
# file): give the distribution's /etc, /usr/local and /var (under
# WSLBRIDGE_ROOT) their places, then run CMD exactly as WSL runs
# [boot] command: /bin/sh -c.  The rest of the arguments run afterwards.
r=$WSLBRIDGE_ROOT
mkdir -p "$r/var/tmp" "$r/var/log" "$r/usr/local"
mount --bind "$r/etc" /etc && mount --bind "$r/usr/local" /usr/local && mount --bind "$r/var" /var &&
/bin/sh -c "$1" && shift && "$@"
