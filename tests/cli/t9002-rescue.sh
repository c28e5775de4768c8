#!/bin/sh
# The rescue from the Windows side (templates/wslbridge-rescue.ps1): setup
# leaves it in %LOCALAPPDATA%\wslbridge; run in real PowerShell at a window of
# the simulated host (tests/winhost/winshell), with WSL stopped, it shows the
# last change and reverts it, and trusts nothing of its folder unchecked.
. "$(dirname "$0")/../lib.sh"
test_need_pwsh

RUN=$TOP/tests/winhost/run
SHELL_AT=$TOP/tests/winhost/winshell
unset WSLBRIDGE_STATE_DIR
RESCUE='C:\Users\alice\AppData\Local\wslbridge\wslbridge-rescue.ps1'

dir() { echo "$1/root/mnt/c/Users/alice/AppData/Local/wslbridge"; }
switch_id() {
	python3 -c "
import sys, xml.etree.ElementTree as ET
print(''.join(s.get('id') for s in ET.parse(sys.argv[1] + '/state.xml').getroot().iter('switch') if s.get('name') == sys.argv[2]))" "$1" "$2"
}
# WSL stopped for good: `wsl.exe --shutdown`, and no Linux side left to start.
stop_wsl() {
	rm -f "$1/root/proc/version" "$1/root/proc/sys/fs/binfmt_misc/WSLInterop"
}
rescue() {
	h=$1
	shift
	WINHOST_DIR=$PWD/$h "$SHELL_AT" "$@"
}
# A .wslconfig of the user's own, CRLF, a comment, no final newline.
own_wslconfig() {
	printf '# mine\r\n[wsl2]\r\nmemory=4GB\r\n[experimental]\r\nautoProxy=false' >"$(wslconfig "$1")"
}

test_expect_success 'setup leaves the shipped script, the saved .wslconfig and the record' '
	WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- true && own_wslconfig h && cp "$(wslconfig h)" own &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" setup --yes >out &&
	test_cmp "$TOP/templates/wslbridge-rescue.ps1" "$(dir h)/wslbridge-rescue.ps1" &&
	test_cmp own "$(dir h)/wslconfig.before" &&
	id=$(switch_id h "WSL Bridge") && test -n "$id" &&
	test_grep "<switch id=\"$id\" name=\"WSL Bridge\"/>" "$(dir h)/rescue.xml" &&
	test_grep "existed=\"true\" bytes=\"$(wc -c <own)\" sha256=\"$(sha256sum own | cut -d" " -f1)\"" "$(dir h)/rescue.xml" &&
	test_grep "powershell -ExecutionPolicy Bypass -File \"C:.Users.alice.AppData.Local.wslbridge.wslbridge-rescue.ps1\" -Revert" out &&
	test_grep "SHA-256 is $(sha256sum "$TOP/templates/wslbridge-rescue.ps1" | cut -d" " -f1)" out &&
	cp -r h h.setup
'

test_expect_success 'without -Revert it shows the last change and changes nothing' '
	stop_wsl h && cp -r h h.before &&
	rescue h "$RESCUE" >out &&
	test_grep "history #1, .*: wslbridge setup --yes (bridged mode)" out &&
	test_grep "put back the saved copy ($(wc -c <own) bytes)" out &&
	test_grep "switch: remove .WSL Bridge. ($(switch_id h "WSL Bridge"))" out &&
	test_grep "Nothing was changed" out &&
	test_cmp h.before/state.xml h/state.xml && test_cmp "$(wslconfig h.before)" "$(wslconfig h)" &&
	! grep "^wsl.exe \[\"--shutdown\"\]" h/programs.log
'

test_expect_success 'with WSL stopped, -Revert as administrator: .wslconfig byte for byte, WSL shut down, the switch gone' '
	launches=$(wc -l <h/launches.log) &&
	rescue h --elevated "$RESCUE" -Revert >out &&
	test_cmp own "$(wslconfig h)" &&
	test -z "$(switch_id h "WSL Bridge")" &&
	test_grep "^wsl.exe \[\"--shutdown\"\]" h/programs.log &&
	test "$(wc -l <h/launches.log)" = "$launches" &&
	kept=$(ls "$(dir h)"/wslconfig.before-rescue-*) &&
	test_grep "^networkingMode=bridged" "$kept" &&
	test_grep "switch .WSL Bridge.: removed" out && test_grep "^Reverted" out
'

test_expect_success 'run again, it is done already and changes nothing more' '
	cp h/state.xml state.before &&
	rescue h --elevated "$RESCUE" -Revert >out &&
	test_grep ".wslconfig: already the saved copy" out && test_grep "already gone" out &&
	test_cmp own "$(wslconfig h)" && test "$(ls "$(dir h)"/wslconfig.before-rescue-* | wc -l)" = 1
'

test_expect_success 'a setup on a machine with no .wslconfig: the rescue removes the one setup wrote' '
	WINHOST_DIR=$PWD/n "$RUN" fresh-pro -- true &&
	test_expect_code 4 env WINHOST_DIR=$PWD/n "$RUN" fresh-pro -- "$WB" setup --yes >/dev/null &&
	test_grep "<wslconfig existed=\"false\"/>" "$(dir n)/rescue.xml" && test ! -e "$(dir n)/wslconfig.before" &&
	stop_wsl n && rescue n --elevated "$RESCUE" -Revert >out &&
	test ! -e "$(wslconfig n)" && test -z "$(switch_id n "WSL Bridge")" &&
	test_grep "removed (there was none before)" out
'

test_expect_success 'a change the rescue cannot take back (a firewall port) leaves the last one described' '
	WINHOST_DIR=$PWD/m "$RUN" home-edition -- true &&
	test_expect_code 4 env WINHOST_DIR=$PWD/m "$RUN" home-edition -- "$WB" setup --mode mirrored --yes >/dev/null &&
	test_grep "entry=\"1\".*mode=\"mirrored\"" "$(dir m)/rescue.xml" && cp "$(dir m)/rescue.xml" rescue.1 &&
	WINHOST_DIR=$PWD/m "$RUN" --restart home-edition -- "$WB" setup --mode mirrored --allow-port 3000 --yes >out;
	test_grep "Windows: 1 change made" out && test_cmp rescue.1 "$(dir m)/rescue.xml"
'

test_expect_success 'not as administrator (a standard user): .wslconfig back, the switch kept, and it says how' '
	WINHOST_DIR=$PWD/s "$RUN" standard-user-pro -- true && own_wslconfig s &&
	test_expect_code 4 env WINHOST_DIR=$PWD/s "$RUN" standard-user-pro -- "$WB" setup --yes --no-hyperv-admin >/dev/null &&
	id=$(switch_id s "WSL Bridge") && test -n "$id" && stop_wsl s &&
	test_expect_code 1 rescue s "$RESCUE" -Revert >out &&
	test_cmp own "$(wslconfig s)" && test "$(switch_id s "WSL Bridge")" = "$id" &&
	test_grep "needs PowerShell started as administrator" out &&
	rescue s --elevated "$RESCUE" -Revert >out &&
	test -z "$(switch_id s "WSL Bridge")"
'

test_expect_success 'a record edited to name another switch: Hyper-V says it is not ours, it stays' '
	rm -rf h && cp -r h.setup h && stop_wsl h &&
	other=$(switch_id h "Default Switch") && ours=$(switch_id h "WSL Bridge") &&
	sed -i "s/id=\"$ours\" name=\"WSL Bridge\"/id=\"$other\" name=\"Default Switch\"/" "$(dir h)/rescue.xml" &&
	test_expect_code 1 rescue h --elevated "$RESCUE" -Revert >out &&
	test "$(switch_id h "Default Switch")" = "$other" && test "$(switch_id h "WSL Bridge")" = "$ours" &&
	test_grep "is not the one wslbridge created" out
'

test_expect_success 'a switch a virtual machine uses stays' '
	rm -rf h && cp -r h.setup h && stop_wsl h && ours=$(switch_id h "WSL Bridge") &&
	python3 - h/state.xml "$ours" <<-\PY &&
	import sys, xml.etree.ElementTree as ET
	t = ET.parse(sys.argv[1]); sw = t.getroot().find("host/switches")
	ET.SubElement(sw, "vm-nic", {"vm": "build-vm", "switch-id": sys.argv[2]})
	t.write(sys.argv[1])
	PY
	test_expect_code 1 rescue h --elevated "$RESCUE" -Revert >out &&
	test "$(switch_id h "WSL Bridge")" = "$ours" && test_grep "used by the virtual machine .build-vm." out
'

test_expect_success 'a saved copy that does not match its hash: nothing of .wslconfig changes, the switch stays' '
	rm -rf h && cp -r h.setup h && stop_wsl h && cp "$(wslconfig h)" now &&
	printf "[wsl2]\nkernelCommandLine=init=/evil\n" >"$(dir h)/wslconfig.before" &&
	test_expect_code 1 rescue h --elevated "$RESCUE" -Revert >out &&
	test_cmp now "$(wslconfig h)" && test -n "$(switch_id h "WSL Bridge")" &&
	test_grep "does not match the hash" out && test_grep "left in place, since .wslconfig still names it" out
'

test_expect_success 'a .wslconfig that is a link is not written through' '
	rm -rf h && cp -r h.setup h && stop_wsl h && echo precious >target &&
	rm "$(wslconfig h)" && ln -s "$PWD/target" "$(wslconfig h)" &&
	test_expect_code 1 rescue h --elevated "$RESCUE" -Revert >out &&
	test "$(cat target)" = precious && test -L "$(wslconfig h)" && test_grep "is a link" out &&
	test -n "$(switch_id h "WSL Bridge")"
'

test_expect_success 'nor one that points nowhere (yet)' '
	rm -rf h && cp -r h.setup h && stop_wsl h && rm -f later &&
	rm "$(wslconfig h)" && ln -s "$PWD/later" "$(wslconfig h)" &&
	test_expect_code 1 rescue h --elevated "$RESCUE" -Revert >out &&
	test ! -e later && test -L "$(wslconfig h)" && test_grep "is a link" out
'

test_expect_success 'a saved copy that is a link is not read' '
	rm -rf h && cp -r h.setup h && stop_wsl h && cp "$(wslconfig h)" now &&
	cp own secret && rm "$(dir h)/wslconfig.before" && ln -s "$PWD/secret" "$(dir h)/wslconfig.before" &&
	test_expect_code 1 rescue h --elevated "$RESCUE" -Revert >out &&
	test_cmp now "$(wslconfig h)" && test_grep "wslconfig.before is missing or is a link" out
'

test_expect_success 'unsigned under application control (ConstrainedLanguage): it stops at once, exit 5' '
	rm -rf h && cp -r h.setup h && stop_wsl h && cp "$(wslconfig h)" now &&
	sed -i "s/<sim /<sim language-mode=\"ConstrainedLanguage\" /" h/state.xml &&
	test_expect_code 5 rescue h --elevated "$RESCUE" -Revert >out &&
	test_grep "ConstrainedLanguage" out && test_cmp now "$(wslconfig h)" && test -n "$(switch_id h "WSL Bridge")"
'

test_expect_success 'no record: nothing to revert (exit 2)' '
	WINHOST_DIR=$PWD/e "$RUN" fresh-pro -- true &&
	mkdir -p "$(dir e)" && cp "$TOP/templates/wslbridge-rescue.ps1" "$(dir e)/" &&
	test_expect_code 2 rescue e --elevated "$RESCUE" -Revert >out && test_grep "nothing to revert" out
'

test_expect_success 'a script changed in its folder is put back as shipped by the next setup' '
	rm -rf h && cp -r h.setup h && echo "Remove-VMSwitch -Name *" >>"$(dir h)/wslbridge-rescue.ps1" &&
	WINHOST_DIR=$PWD/h "$RUN" --restart fresh-pro -- "$WB" setup --yes --mac 02:15:5d:00:00:01 >/dev/null;
	test_cmp "$TOP/templates/wslbridge-rescue.ps1" "$(dir h)/wslbridge-rescue.ps1"
'

test_expect_success 'a link planted in the rescue folder stops setup before anything changes' '
	WINHOST_DIR=$PWD/l "$RUN" fresh-pro -- true && mkdir -p "$(dir l)" && echo precious >target &&
	ln -s "$PWD/target" "$(dir l)/rescue.xml" &&
	test_expect_code 1 env WINHOST_DIR=$PWD/l "$RUN" fresh-pro -- "$WB" setup --yes >out 2>err &&
	test_grep "cannot use .*rescue.xml. for the rescue: .*nothing was changed" err &&
	test "$(cat target)" = precious && test -z "$(switch_id l "WSL Bridge")" && test ! -e "$(wslconfig l)"
'

test_expect_success 'a folder of the path that is a link stops setup too' '
	WINHOST_DIR=$PWD/k "$RUN" fresh-pro -- true && mkdir elsewhere &&
	ln -s "$PWD/elsewhere" "$(dir k)" &&
	test_expect_code 1 env WINHOST_DIR=$PWD/k "$RUN" fresh-pro -- "$WB" setup --yes >out 2>err &&
	test_grep "could not make the rescue folder" err &&
	test -z "$(ls elsewhere)" && test -z "$(switch_id k "WSL Bridge")"
'

test_expect_success 'undo takes the rescue back with the change it described' '
	rm -rf h && cp -r h.setup h &&
	test_expect_code 4 env WINHOST_DIR=$PWD/h "$RUN" fresh-pro -- "$WB" undo --yes >out &&
	test_cmp own "$(wslconfig h)" && test -z "$(switch_id h "WSL Bridge")" &&
	test ! -e "$(dir h)/rescue.xml" && test ! -e "$(dir h)/wslconfig.before" &&
	test ! -e "$(dir h)/wslbridge-rescue.ps1"
'

test_done
