#!/bin/sh
# DNS choices that are true (issue 19 item 8): --dns tunnel is refused while
# Global Secure Access runs; auto tunnels only where WSL would (not in
# VirtioProxy mode before 2.9.0), and writes dnsTunneling=true where this WSL
# does not turn tunnelling on by itself.
. "$(dirname "$0")/../lib.sh"
test_simulated_host
scenario() {
	sed "$3" "$TOP/tests/winhost/scenarios/$2.xml" >"$1.xml"
}

test_expect_success '--dns tunnel while Global Secure Access runs: refused (exit 1), what works named, nothing changed' '
	rm -rf h && WINHOST_DIR=$PWD/h "$RUN" vpn-gsa -- true && cp h/state.xml before && cp -r h/root root.before &&
	WINHOST_DIR=$PWD/h test_expect_code 1 "$RUN" vpn-gsa -- "$WB" vpn apply --dns tunnel --yes >out 2>err &&
	test_grep "Global Secure Access runs (GlobalSecureAccessTunnelingService), and WSL turns DNS tunneling off" err &&
	test_grep "use --dns static" err &&
	test_cmp before h/state.xml && diff -r root.before/etc h/root/etc && diff -r root.before/mnt h/root/mnt &&
	test ! -e h/root/usr/local/lib/wslbridge && ! grep -q "^from=uac" h/launches.log
'

test_expect_success 'Global Secure Access: auto chooses the VPN servers in resolv.conf' '
	rm -rf h1 && WINHOST_DIR=$PWD/h1 "$RUN" vpn-gsa -- "$WB" vpn apply --dry-run >out 2>err &&
	test_grep "Global Secure Access runs (GlobalSecureAccessTunnelingService).*the VPN.s servers go in resolv.conf" out &&
	! grep -q "DNS tunneling:" out
'

test_expect_success 'WSL 2.1.5 (tunnelling off by default), key unset: auto writes dnsTunneling=true' '
	scenario old vpn-anyconnect "s/<wsl version=\"2.6.1.0\"/<wsl version=\"2.1.5.0\"/" &&
	rm -rf h2 && WINHOST_DIR=$PWD/h2 "$RUN" "$PWD/old.xml" -- "$WB" vpn apply --dry-run >out 2>err &&
	test_grep "written as dnsTunneling=true: this WSL does not turn it on by default" out &&
	test_grep "^       +dnsTunneling=true" out
'

test_expect_success 'WSL 2.6.1 (on by default), key unset: nothing written to .wslconfig, and it says why' '
	rm -rf h3 && WINHOST_DIR=$PWD/h3 "$RUN" vpn-anyconnect -- "$WB" vpn apply --dry-run >out 2>err &&
	test_grep "DNS tunneling: .*; on by default in this WSL" out && ! grep -q "dnsTunneling=true" out
'

test_expect_success 'VirtioProxy on WSL 2.6.1: auto does not tunnel (forced off there before 2.9.0); --dns tunnel refused' '
	scenario vp vpn-anyconnect "s/<linux mode=\"nat\"/<linux mode=\"virtioproxy\"/" &&
	rm -rf h4 && WINHOST_DIR=$PWD/h4 "$RUN" "$PWD/vp.xml" -- "$WB" vpn apply --dry-run >out 2>err &&
	test_grep "WSL 2.6.1.0 turns DNS tunneling off in virtioproxy mode (Consomme has it from WSL 2.9.0)" out &&
	WINHOST_DIR=$PWD/h4 test_expect_code 1 "$RUN" "$PWD/vp.xml" -- "$WB" vpn apply --dns tunnel --yes 2>err &&
	test_grep "turns DNS tunneling off in virtioproxy mode" err
'

test_expect_success 'Consomme on WSL 2.9.5: auto may tunnel' '
	scenario co vpn-anyconnect "s/<linux mode=\"nat\"/<linux mode=\"consomme\"/; s/<wsl version=\"2.6.1.0\"/<wsl version=\"2.9.5.0\"/" &&
	rm -rf h5 && WINHOST_DIR=$PWD/h5 "$RUN" "$PWD/co.xml" -- "$WB" vpn apply --dry-run >out 2>err &&
	test_grep "DNS: WSL.s DNS tunneling: consomme mode on Windows 11 with WSL 2.9.5.0" out
'

test_done
