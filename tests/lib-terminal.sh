# tests/lib-terminal.sh - the real binary in a real terminal (tmux), read
# from the screen; sourced after lib.sh.
#
#   in_terminal CMD [COLS [ROWS]]  run CMD in a fresh COLSxROWS terminal
#                                  (120x60) with a UTF-8 locale
#   wait_for TEXT                  poll the screen (90 s) until TEXT shows;
#                                  the screen is then in ./pane
#   screen                         the visible screen, as wide as the
#                                  terminal (no joining), into ./pane
#   terminals_done                 kill every terminal this file started
#   TERMINAL_SETUP                 shell words run first (e.g. "trap '' INT;"
#                                  so Ctrl-C reaches only the program that
#                                  handles it, not the simulator around it)

# A private socket per terminal, so the server starts with this environment.
TM=false
in_terminal() {
	command -v tmux >/dev/null || { echo "tmux missing: tests/install-deps.sh"; return 1; }
	TM="tmux -S $(mktemp -u "$TRASH/tmux.XXXXXX")"
	$TM -f /dev/null new-session -d -s wb -x "${2:-120}" -y "${3:-60}" \
		"cd '$TRASH' && ${TERMINAL_SETUP:-}env -u NO_COLOR -u COLUMNS LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm $1; echo EXIT=\$?; sleep 60"
}
# wait_for TEXT: until the screen shows TEXT, for at most 90 s of wall time
# (a loaded CI machine runs real PowerShell several times slower than here).
wait_for() {
	end=$(($(date +%s) + 90))
	while ! $TM capture-pane -p -J -S -200 -t wb >pane 2>/dev/null || ! grep -qF -e "$1" pane; do
		[ "$(date +%s)" -gt "$end" ] && { echo "never saw: $1"; cat pane; return 1; }
		sleep 0.1
	done
}
screen() {
	$TM capture-pane -p -S -200 -t wb >pane
}
terminals_done() {
	for s in "$TRASH"/tmux.*; do [ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null; done
}
