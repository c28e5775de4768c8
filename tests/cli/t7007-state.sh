#!/bin/sh
# wslbridge's own folders as an attacker sees them (issue 16, findings 8, 11
# and 12): staging folders in %TEMP% that are links, or a live run's of
# another distribution (another PID namespace); a stale lock replaced by a
# live writer's while a breaker holds the old one; a state directory someone
# else owns or may write.  Nothing may be removed or written that is not ours.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh
test_need_root

RUN=$TOP/tests/winhost/run
TEMPDIR=root/mnt/c/Users/alice/AppData/Local/Temp
ATTACKER="setpriv --reuid=4242 --regid=4242 --clear-groups"
chmod 0755 "$TRASH"

test_expect_success 'the staging sweep follows no link and spares a live run it cannot see' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true &&
	mkdir victim && echo keep >victim/request.xml && echo keep >victim/host-agent.ps1 &&
	ln -s "$PWD/victim" h/$TEMPDIR/wslbridge-1-aaaaaaaaaaaa &&
	touch -h -d "3 days ago" h/$TEMPDIR/wslbridge-1-aaaaaaaaaaaa &&
	mkdir h/$TEMPDIR/wslbridge-999999-bbbbbbbbbbbb && echo live >h/$TEMPDIR/wslbridge-999999-bbbbbbbbbbbb/request.xml &&
	mkdir h/$TEMPDIR/wslbridge-999998-cccccccccccc && echo old >h/$TEMPDIR/wslbridge-999998-cccccccccccc/request.xml &&
	touch -d "3 days ago" h/$TEMPDIR/wslbridge-999998-cccccccccccc &&
	mkdir h/$TEMPDIR/wslbridge-999997-dddddddddddd && echo mine >h/$TEMPDIR/wslbridge-999997-dddddddddddd/notes.txt &&
	touch -d "3 days ago" h/$TEMPDIR/wslbridge-999997-dddddddddddd &&
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" status >out &&
	test -L h/$TEMPDIR/wslbridge-1-aaaaaaaaaaaa &&
	test "$(cat victim/request.xml victim/host-agent.ps1)" = "keep
keep" &&
	test_grep live h/$TEMPDIR/wslbridge-999999-bbbbbbbbbbbb/request.xml &&
	test ! -e h/$TEMPDIR/wslbridge-999998-cccccccccccc &&
	test_grep mine h/$TEMPDIR/wslbridge-999997-dddddddddddd/notes.txt
'

# (LSan cannot run under ptrace: leak checks off there.)
# The breaker (a wslbridge run) opens a stale lock and flocks it; strace
# makes that flock return 2 s late, and meanwhile the stale lock is replaced
# by a live writer's (flock(1) holding it, renamed into place).  Unlinking by name would delete
# the live lock; the breaker must see it is another file and leave it.
test_expect_success 'the stale-lock breaker never removes a live writer'\''s lock' '
	printf "[wsl2]\nmemory=1GB\n" >cfg && cp cfg cfg.orig &&
	echo stale >cfg.wslbridge-lock && touch -d "1 hour ago" cfg.wslbridge-lock &&
	( if strace -f -o trace -e trace=openat,flock -e inject=flock:delay_exit=2000000 \
		env WSLBRIDGE_LOCK_WAIT=0 ASAN_OPTIONS=detect_leaks=0 "$WB" config set --kind wslconfig --file "$PWD/cfg" wsl2.memory 2GB >w1.out 2>&1
	  then r=0; else r=$?; fi; echo $r >w1.rc ) &
	i=0 && while ! grep -q "cfg.wslbridge-lock\", O_RDONLY" trace 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.05; i=$((i + 1)); done &&
	: >live && ( flock -x live sleep 8 & ) &&
	i=0 && while flock -n live true && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done &&
	mv live cfg.wslbridge-lock && ls -i cfg.wslbridge-lock >live.ino &&
	i=0 && while [ ! -e w1.rc ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done &&
	cat w1.out && test "$(cat w1.rc)" = 1 &&
	test_grep "is locked by another writer" w1.out &&
	ls -i cfg.wslbridge-lock >now.ino && test_cmp live.ino now.ino && test_cmp cfg.orig cfg
'

test_expect_success 'a state directory another user owns is refused, and undo restores nothing from it' '
	printf "[wsl2]\nmemory=1GB\n" >c2 && cp c2 c2.orig &&
	mkdir foreign && chown 4242:4242 foreign &&
	test_expect_code 1 "$WB" --state-dir "$PWD/foreign" config set --kind wslconfig --file "$PWD/c2" wsl2.memory 2GB >out 2>&1 &&
	test_grep "will not use the state directory .*foreign.: it belongs to uid 4242" out &&
	test_grep "chown" out && test_cmp c2.orig c2 && test -z "$(ls -A foreign)" &&
	test_expect_code 1 "$WB" --state-dir "$PWD/foreign" undo --yes >out 2>&1 &&
	test_grep "will not use the state directory" out
'

test_expect_success 'so is one its group or others may write' '
	mkdir open && chmod 0777 open &&
	test_expect_code 1 "$WB" --state-dir "$PWD/open" config set --kind wslconfig --file "$PWD/c2" wsl2.memory 2GB >out 2>&1 &&
	test_grep "its group or others can write it (mode 0777)" out && test_cmp c2.orig c2 &&
	chmod 0755 open && "$WB" --state-dir "$PWD/open" config set --kind wslconfig --file "$PWD/c2" wsl2.memory 2GB >out &&
	test_grep "memory=2GB" c2
'

test_done
