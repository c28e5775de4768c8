#!/bin/sh
# Root and the Windows user's files, as an attacker sees them (issue 16,
# findings 1 and 7): the profile is a drvfs-like mount where every file is
# 0777 and owned by the user (bindfs when it is installed, else a chmod 0777
# tree), so an unprivileged uid (setpriv) can plant a symlink, a FIFO or a
# huge file as .wslconfig, before the run or while its UAC prompt is up.  Root
# must never write, read or copy through any of them: nothing is written
# where it should not be.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh
test_need_root

RUN=$TOP/tests/winhost/run
unset WSLBRIDGE_STATE_DIR
PROFILE=root/mnt/c/Users/alice
ATTACKER="setpriv --reuid=4242 --regid=4242 --clear-groups"
chmod 0755 "$TRASH"

# wait_for FILE: poll (up to 60 s) until FILE exists.
wait_for() {
	i=0 && while [ ! -e "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	test -e "$1"
}

# drvfs_host DIR: a fresh fresh-pro host whose C: drive is shown to the
# attacker as drvfs shows it, every file 0777 and theirs.  The warm
# PowerShell hosts started before the mount do not see it: cold ones do.
if command -v bindfs >/dev/null 2>&1; then
	export WINHOST_WARM=0
fi
drvfs_host() {
	rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" fresh-pro -- true &&
	chmod 0755 "$1" "$1/root" "$1/root/mnt" &&
	if command -v bindfs >/dev/null 2>&1; then
		mv "$1/root/mnt/c" "$1/c.src" && mkdir "$1/root/mnt/c" &&
		bindfs -o perms=0777,force-user=4242,force-group=4242 "$1/c.src" "$1/root/mnt/c" &&
		echo "$PWD/$1/root/mnt/c" >>"$TRASH/.mounts"
	else
		chown -R 4242:4242 "$1/root/mnt/c" && chmod -R 0777 "$1/root/mnt/c"
	fi
}
trap 'while read -r m; do umount "$m"; done <"$TRASH/.mounts"; rm -rf "$TRASH"' EXIT
: >"$TRASH/.mounts"

# A root-only file the attacker wants overwritten, or read.
printf "root-only secret 7f3a\n" >secret && chmod 0600 secret && cp secret secret.orig

# nothing_leaked DIR: the secret is as it was, and its bytes are nowhere the
# attacker can read: not in the output, not in the state dir, not on C:.
nothing_leaked() {
	test_cmp secret.orig secret &&
	! grep -rq "secret 7f3a" out "$1/root/var/lib/wslbridge" "$1/root/mnt/c" 2>/dev/null
}

test_expect_success 'the profile is a 0777 place the attacker can write' '
	drvfs_host h1 &&
	$ATTACKER sh -c "echo x >h1/$PROFILE/probe" &&
	test -e h1/$PROFILE/probe && rm -f h1/$PROFILE/probe
'

test_expect_success 'a symlinked .wslconfig is refused: root neither writes nor copies its target' '
	$ATTACKER ln -s "$PWD/secret" h1/$PROFILE/.wslconfig &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>&1 &&
	test_grep "\.wslconfig.: it is a symbolic link" out &&
	test -L h1/$PROFILE/.wslconfig && nothing_leaked h1 &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" setup --mode mirrored --yes >out 2>&1 &&
	nothing_leaked h1 &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" config set --kind wslconfig wsl2.memory 4GB --yes >out 2>&1 &&
	test_grep "symbolic link" out && nothing_leaked h1 &&
	{ WINHOST_DIR=$PWD/h1 "$RUN" fresh-pro -- "$WB" status >out 2>&1 || :; } &&
	nothing_leaked h1
'

# held_setup DIR ARGS...: root runs `setup ARGS --yes` in the background, its
# UAC prompt held at DIR.hold; returns once the prompt shows.
held_setup() {
	d=$1 && shift && rm -rf "$d.hold" "$d.rc" && mkdir "$d.hold" || return 1
	# (under set -e: the exit code is kept with an if, not lost with the shell)
	( if WINHOST_DIR=$PWD/$d "$RUN" --uac-hold "$PWD/$d.hold" fresh-pro -- "$WB" setup "$@" --yes \
		>"$d.out" 2>&1; then r=0; else r=$?; fi; echo $r >"$d.rc" ) &
	wait_for "$d.hold/prompt" || { echo "no UAC prompt"; cat "$d.out"; return 1; }
}

answer() {
	touch "$1.hold/answer" && wait_for "$1.rc" || { echo "the run did not end"; cat "$1.out"; return 1; }
	cp "$1.out" out && cat out
}

# swapped DIR SCRIPT: root plans from the attacker's .wslconfig; SCRIPT,
# run as the attacker, changes it while the UAC prompt is up; the run must
# stop with "changed since the plan".
swapped() {
	drvfs_host "$1" &&
	$ATTACKER sh -c "printf \"[wsl2]\nmemory=4GB\n\" >$1/$PROFILE/.wslconfig" &&
	held_setup "$1" && $ATTACKER sh -c "$2" && answer "$1" &&
	test "$(cat "$1.rc")" != 0 && test_grep "changed since the plan" out
}

test_expect_success 'swapped for a symlink during the UAC prompt: changed since the plan, nothing written' '
	swapped h2 "rm h2/$PROFILE/.wslconfig && ln -s $PWD/secret h2/$PROFILE/.wslconfig" &&
	test -L h2/$PROFILE/.wslconfig && nothing_leaked h2 &&
	! ls h2/$PROFILE/ | grep -q wslbridge-lock
'

test_expect_success 'rewritten during the UAC prompt: the attacker'\''s bytes are kept, not ours' '
	swapped h3 "printf \"[wsl2]\nmemory=8GB\n\" >h3/$PROFILE/.wslconfig" &&
	printf "[wsl2]\nmemory=8GB\n" >want && test_cmp want h3/$PROFILE/.wslconfig
'

test_expect_success 'unswapped, the same held run writes .wslconfig and keeps the user as owner' '
	drvfs_host h4 &&
	held_setup h4 &&
	answer h4 &&
	test_grep "^networkingMode=bridged" h4/$PROFILE/.wslconfig &&
	test "$(stat -c %u h4/$PROFILE/.wslconfig)" = 4242
'

test_expect_success 'a FIFO as .wslconfig hangs no root run' '
	drvfs_host h5 &&
	$ATTACKER mkfifo h5/$PROFILE/.wslconfig &&
	test_expect_code 1 timeout 60 env WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>&1 &&
	test_grep "not a regular file" out &&
	{ timeout 60 env WINHOST_DIR=$PWD/h5 "$RUN" fresh-pro -- "$WB" status >out 2>&1; test $? -lt 124; } &&
	test -p h5/$PROFILE/.wslconfig
'

test_expect_success 'a huge .wslconfig, or a link to one, is refused unread and aborts nothing' '
	drvfs_host h6 &&
	truncate -s 6G huge && chmod 0644 huge &&
	$ATTACKER ln -s "$PWD/huge" h6/$PROFILE/.wslconfig &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>&1 &&
	test_grep "symbolic link" out &&
	rm h6/$PROFILE/.wslconfig && $ATTACKER truncate -s 6G h6/$PROFILE/.wslconfig &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h6 "$RUN" fresh-pro -- "$WB" setup --yes >out 2>&1 &&
	test_grep "larger than the 4 MiB" out &&
	test "$(stat -c %s h6/$PROFILE/.wslconfig)" = 6442450944 && rm -f huge
'

test_done
