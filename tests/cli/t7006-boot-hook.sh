#!/bin/sh
# The boot hook as an attacker sees it (issue 16, findings 2 and 10): root
# runs the recorded wslbridge at every WSL start, so a user who can replace
# that binary (their own clone's ./wslbridge, a 0777 folder) would get root;
# and root appends to the boot log, so a user who can write /var/log (the
# syslog group on Ubuntu) would plant a link there.  Each attack must fail
# with nothing run and nothing written where it should not be.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh
test_need_root

RUN=$TOP/tests/winhost/run
unset WSLBRIDGE_STATE_DIR
ATTACKER="setpriv --reuid=4242 --regid=4242 --clear-groups"
chmod 0755 "$TRASH"

launches() { { grep "^from=$2" "$1/launches.log" 2>/dev/null || :; } | wc -l; }
host() {
	rm -rf "$1" && WINHOST_DIR=$PWD/$1 "$RUN" win10-pro -- true &&
	chmod 0755 "$1" "$1/root" && cp "$1/root/etc/wsl.conf" "$1.wsl.conf" 2>/dev/null || :
}
# boot HOST: WSL starts: the boot command runs as WSL runs it, as root.
boot() {
	cmd=$("$WB" config get --file "$PWD/$1/root/etc/wsl.conf" boot.command) &&
	WINHOST_DIR=$PWD/$1 "$RUN" win10-pro -- unshare -m sh "$TOP/tests/tools/boot-as-wsl.sh" "$cmd" sleep 1
}

# What the attacker wants root to run: it leaves a mark.
cat >evil <<EOF
#!/bin/sh
echo "ran as \$(id -u)" >>$PWD/pwned
EOF
chmod 0755 evil

test_expect_success 'a wslbridge the user owns is not made the boot command: refused, nothing changed' '
	host h1 && mkdir clone && cp "$WB" clone/wslbridge && chown -R 4242:4242 clone &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h1 "$RUN" win10-pro -- "$PWD/clone/wslbridge" forward add 8080 --yes >out 2>&1 &&
	test_grep "would run this wslbridge as root at every start, but .*clone/wslbridge. belongs to uid 4242" out &&
	test_grep "install wslbridge" out &&
	test ! -e h1/root/etc/wslbridge/forward-sync.conf && test ! -e h1/root/usr/local/lib/wslbridge/boot-fixups &&
	test "$(launches h1 uac)" = 0
'

test_expect_success 'nor a root-owned one in a folder others can write' '
	mkdir open && chmod 0777 open && cp "$WB" open/wslbridge &&
	test_expect_code 1 env WINHOST_DIR=$PWD/h1 "$RUN" win10-pro -- "$PWD/open/wslbridge" forward add 8080 --yes >out 2>&1 &&
	test_grep "open. can be written by everyone" out &&
	test ! -e h1/root/etc/wslbridge/forward-sync.conf
'

test_expect_success 'the installed one is recorded, and the boot script runs it' '
	WINHOST_DIR=$PWD/h1 "$RUN" win10-pro -- "$WB" forward add 8080 --yes >out &&
	test_grep "^WSLBRIDGE=.$WB.$" h1/root/etc/wslbridge/forward-sync.conf &&
	boot h1 && test_grep "forward sync started in the background" h1/root/var/log/wslbridge/boot.log
'

test_expect_success 'the boot script refuses a recorded binary someone else can replace' '
	cp h1/root/etc/wslbridge/forward-sync.conf fsc.orig &&
	cp evil clone/wslbridge && chown 4242:4242 clone/wslbridge &&
	printf "WSLBRIDGE=%s\n" "$PWD/clone/wslbridge" >h1/root/etc/wslbridge/forward-sync.conf &&
	rm -f h1/root/var/log/wslbridge/boot.log && boot h1 &&
	test ! -e pwned &&
	test_grep "clone/wslbridge (or a folder above it) is not root.s alone; not run as root" h1/root/var/log/wslbridge/boot.log &&
	cp evil open/wslbridge && chmod 0755 open/wslbridge &&
	printf "WSLBRIDGE=%s\n" "$PWD/open/wslbridge" >h1/root/etc/wslbridge/forward-sync.conf &&
	boot h1 && test ! -e pwned &&
	cp fsc.orig h1/root/etc/wslbridge/forward-sync.conf
'

# A /var/log the attacker's group may write, as root:syslog 0775 on Ubuntu.
test_expect_success 'a link planted for the boot log: root writes nothing through it' '
	printf "root-only\n" >target && chmod 0600 target && cp target target.orig &&
	chgrp 4242 h1/root/var/log && chmod 0775 h1/root/var/log &&
	rm -rf h1/root/var/log/wslbridge &&
	$ATTACKER mkdir h1/root/var/log/wslbridge &&
	$ATTACKER ln -s "$PWD/target" h1/root/var/log/wslbridge/boot.log &&
	boot h1 && test_cmp target.orig target &&
	$ATTACKER rm -r h1/root/var/log/wslbridge && $ATTACKER ln -s "$PWD/targetdir" h1/root/var/log/wslbridge &&
	mkdir targetdir && boot h1 && test_cmp target.orig target && test ! -e targetdir/boot.log &&
	$ATTACKER rm h1/root/var/log/wslbridge &&
	boot h1 && test "$(stat -c %U:%a h1/root/var/log/wslbridge)" = root:755 &&
	test_grep "forward sync started" h1/root/var/log/wslbridge/boot.log &&
	! $ATTACKER ln -s "$PWD/target" h1/root/var/log/wslbridge/x 2>/dev/null
'

test_expect_success 'a boot log that is a hard link, or not root'\''s, is not written either' '
	rm h1/root/var/log/wslbridge/boot.log &&
	ln target h1/root/var/log/wslbridge/boot.log &&
	boot h1 && test_cmp target.orig target &&
	rm h1/root/var/log/wslbridge/boot.log && : >h1/root/var/log/wslbridge/boot.log &&
	chown 4242 h1/root/var/log/wslbridge/boot.log &&
	boot h1 && test ! -s h1/root/var/log/wslbridge/boot.log
'

test_done
