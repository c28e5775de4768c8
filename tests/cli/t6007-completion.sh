#!/bin/sh
# Completion: `wslbridge __complete` answers from the tables the verbs use
# (verbs table, option_values(), the keys table, the targets' parameters),
# and the bash, zsh and fish wrappers in templates/completion show it.
# zsh runs in a real terminal (tmux); fish answers `complete -C`.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-terminal.sh"

BINDIR=$(dirname "$WB")
# cands WORD...: the candidates __complete gives (without descriptions)
cands() { "$WB" __complete "$@" | sed 1d | cut -f1; }

test_expect_success '__complete: the values a key takes after config set KEY' '
	test "$("$WB" __complete config set wsl2.networkingMode "" | sed -n 1p)" = words &&
	cands config set wsl2.networkingMode "" >out &&
	printf "None\nNat\nBridged\nMirrored\nConsomme\nVirtioProxy\n" >want && test_cmp want out &&
	cands config set wsl2.dhcp "" >out && printf "true\nfalse\n" >want && test_cmp want out &&
	cands config set --kind wslconf boot.systemd t >out && echo true >want && test_cmp want out &&
	cands config set --kind wslconf wsl2.dhcp "" >out && test ! -s out &&
	cands config set wsl2.memory "" >out && test ! -s out
'

test_expect_success '__complete: key names after config get/set/unset, of the --kind asked' '
	for s in get set unset; do cands config $s wsl2.netw >out && echo wsl2.networkingMode >want &&
		test_cmp want out || exit 1; done &&
	"$WB" __complete config get wsl2.swap >out && test_grep "^wsl2.swap	.wslconfig, a size" out &&
	cands config get --kind wslconf "" >out && test_grep "^boot.command\$" out && ! grep -q "^wsl2\." out &&
	"$WB" config keys | grep -v "^#" | cut -f1 | sort -u >want && cands config get "" | sort >out &&
	test_cmp want out
'

test_expect_success '__complete: parameter names after check --param, from the targets' '
	cands check --param "" >out &&
	for p in $(sed -n "s/.*<param name=\"\([a-z]*\)\".*/\1/p" "$TOP"/templates/targets/*.xml | sort -u); do
		test_grep "^$p=\$" out || exit 1; done &&
	cands check mirrored --param "" >out && printf "ports=\nloopback=\n" >want && test_cmp want out &&
	"$WB" __complete check --param sw >out && test_grep "^switch=	default: WSL Bridge\$" out &&
	cands check --param=m >out && test ! -s out
'

test_expect_success '__complete: --mode from option_values, --color=, paths for PATH and DIR' '
	for m in bridged mirrored consomme nat; do cands setup --mode "" | grep -qx $m || exit 1; done &&
	cands repair --mode m >out && echo mirrored >want && test_cmp want out &&
	cands --color= >out && printf -- "--color=auto\n--color=always\n--color=never\n" >want && test_cmp want out &&
	test "$("$WB" __complete config get --file "")" = files &&
	test "$("$WB" __complete --root "")" = dirs &&
	test "$("$WB" __complete status --state-dir x)" = dirs
'

test_expect_success '__complete: verbs, sub-verbs and options from the verbs table' '
	"$WB" help | sed -n "s/^  \([a-z-]\{1,\}\)  .*/\1/p" >want && cands "" >out && test_cmp want out &&
	"$WB" __complete h >out && test_grep "^host-ip	print the Windows host" out &&
	cands help t >out && echo troubleshooting >want && test_cmp want out &&
	"$WB" help troubleshooting >out && "$TOP/templates/man/troubleshooting" "$TOP/README.md" >want && test_cmp want out &&
	test_grep WSL_E_VMSWITCH_NOT_FOUND out &&
	cands vpn "" >out && printf "list\ndetect\napply\nstatus\nremove\nprobe\n" >want && test_cmp want out &&
	cands forward list -- >out && test_grep "^--offline\$" out && ! grep -q -e "^--listen" -e "^--version" out &&
	cands -- >out && test_grep "^--version\$" out && test_grep "^--state-dir\$" out
'

test_expect_success '__complete: odd input gets nothing harmful, and nothing is written or run' '
	mkdir bin && printf "#!/bin/sh\ntouch \"$PWD/ran\"\n" >bin/powershell.exe && chmod +x bin/powershell.exe &&
	cp bin/powershell.exe bin/wsl.exe &&
	long=$(head -c 20000 /dev/zero | tr "\\0" x) &&
	for words in "nosuchverb x" "config set nosuch.key" "--root" "-- --" "config set $long" "check --param" ; do
		PATH=$PWD/bin:$PATH "$WB" __complete $words "" >out 2>err || exit 1
		test ! -s err && test "$(wc -l <out)" -le 12 || { cat out err; exit 1; }
	done &&
	PATH=$PWD/bin:$PATH "$WB" __complete "$(printf "a\nb")" "$(printf "x\ty")" >out && echo words >want &&
	test_cmp want out &&
	PATH=$PWD/bin:$PATH "$WB" __complete setup --mode "$(printf "\033]0;x\007")" >out && test_cmp want out &&
	test ! -e ran && test ! -e "$WSLBRIDGE_STATE_DIR"
'

# bash LINE: what the bash wrapper offers for the last word of LINE, split as
# bash splits it (COMP_WORDBREAKS: "--color=a" is "--color" "=" "a").
bash_complete() {
	PATH=$BINDIR:$PATH bash -c '
		. "$1/templates/completion/wslbridge.bash"
		read -r -a COMP_WORDS <<<"$(printf "%s" "$2" | sed "s/=/ = /g")"
		case $2 in *" "|*=) COMP_WORDS+=("") ;; esac
		[ "${COMP_WORDS[-1]}" = "" ] && [ "${COMP_WORDS[-2]}" = "=" ] && unset "COMP_WORDS[-1]"
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_wslbridge
		printf "%s\n" "${COMPREPLY[@]}"
		' sh "$TOP" "$1"
}

test_expect_success 'bash: complete -p names the function; values, keys and "=" split as bash does' '
	PATH=$BINDIR:$PATH bash -c ". \"$TOP/templates/completion/wslbridge.bash\"; complete -p wslbridge" >out &&
	test_grep "complete -F _wslbridge wslbridge" out &&
	bash_complete "wslbridge config set wsl2.networkingMode M" >out && echo Mirrored >want && test_cmp want out &&
	bash_complete "wslbridge --color=a" >out && printf "auto\nalways\n" >want && test_cmp want out &&
	bash_complete "wslbridge --color=" >out && printf "auto\nalways\nnever\n" >want && test_cmp want out &&
	bash_complete "wslbridge check --param sw" >out && printf "switch=\n" >want && test_cmp want out &&
	bash_complete "wslbridge setup --mode " >out && printf "bridged\nmirrored\nconsomme\nnat\n" >want &&
	test_cmp want out &&
	mkdir -p dir/sub && : >dir/file && bash_complete "wslbridge --root dir/" >out &&
	echo dir/sub >want && test_cmp want out &&
	bash_complete "wslbridge config get --file dir/f" >out && echo dir/file >want && test_cmp want out
'

have_fish=false have_zsh=false
command -v fish >/dev/null && have_fish=true
command -v zsh >/dev/null && command -v tmux >/dev/null && have_zsh=true
if [ "${CI:-}" = true ] && ! { $have_fish && $have_zsh; }; then
	echo "not ok - zsh, fish or tmux missing (CI=true: required; tests/install-deps.sh)"; exit 1
fi

test_expect_success 'zsh and fish wrappers parse' '
	! $have_zsh || zsh -n "$TOP/templates/completion/_wslbridge" &&
	! $have_fish || fish -n "$TOP/templates/completion/wslbridge.fish"
'

if $have_fish; then
test_expect_success 'fish: complete -C through the wrapper, with descriptions' '
	fish_complete() { PATH=$BINDIR:$PATH fish -N -c "source $TOP/templates/completion/wslbridge.fish; complete -C \"$1\""; } &&
	fish_complete "wslbridge config set wsl2.networkingMode " >out &&
	printf "Bridged\nConsomme\nMirrored\nNat\nNone\nVirtioProxy\n" >want && test_cmp want out &&
	fish_complete "wslbridge check --param sw" >out && printf "switch=\tdefault: WSL Bridge\n" >want &&
	test_cmp want out &&
	fish_complete "wslbridge st" >out && test_grep "^status	show what is observed" out &&
	: >ffile && fish_complete "wslbridge config get --file ff" >out && echo ffile >want && test_cmp want out
'
else
	echo "# fish missing: 1 test skipped (tests/install-deps.sh)"
fi

if $have_zsh; then
test_expect_success 'zsh: Tab in a real zsh offers the values, with descriptions and no space after NAME=' '
	mkdir -p zd && cat >zd/.zshrc <<-EOF &&
	PS1="%% "
	fpath=($TOP/templates/completion \$fpath)
	path=($BINDIR \$path)
	autoload -Uz compinit && compinit -u -d $PWD/zd/.zcompdump
	EOF
	in_terminal "env ZDOTDIR=$PWD/zd zsh -i" 120 30 && wait_for "% " &&
	$TM send-keys -t wb "wslbridge config set wsl2.networkingMode " Tab && wait_for VirtioProxy &&
	test_grep "Bridged *Consomme *Mirrored *Nat *None *VirtioProxy" pane &&
	$TM send-keys -t wb C-u "wslbridge s" Tab && wait_for "status  -- show" &&
	test_grep "setup  *-- set WSL" pane &&
	$TM send-keys -t wb C-u "wslbridge check --param sw" Tab && wait_for "param switch=" &&
	$TM send-keys -t wb "X" && wait_for "param switch=X"
'
else
	echo "# zsh or tmux missing: 1 test skipped (tests/install-deps.sh)"
fi
terminals_done

test_done
