# tests/tools/forward-boot.sh: sourced by the forward tests (t8002, t8003).
# boot HOST [RUN-OPTION]: start the simulated VM of HOST as WSL does, running
# /etc/wsl.conf's boot command, and wait for the background `forward sync`
# to write its last line to /var/log/wslbridge/boot.log ("Forwards ..." or
# an error).  Needs $WB, $RUN, $TOP and $TRASH of lib.sh.
cat >"$TRASH/wait-sync.sh" <<'EOF_'
# at most 120 s: a sync with a UAC prompt is three launches of real
# PowerShell, which a loaded CI machine runs several times slower
end=$(($(date +%s) + 120))
while [ "$(date +%s)" -le "$end" ] && ! grep -q -e "^Forwards " -e "^wslbridge: " /var/log/wslbridge/boot.log 2>/dev/null; do
	sleep 0.1
done
EOF_
boot() {
	rm -f "$1/root/var/log/wslbridge/boot.log"
	cmd=$("$WB" config get --file "$PWD/$1/root/etc/wsl.conf" boot.command) &&
	WINHOST_DIR=$PWD/$1 "$RUN" ${2:-} win10-pro -- unshare -m sh "$TOP/tests/tools/boot-as-wsl.sh" "$cmd" sh "$TRASH/wait-sync.sh"
}
