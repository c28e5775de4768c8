# bash completion for wslbridge: verbs, their options, config keys, target
# names and VPN profile names (asked of wslbridge itself, so added targets
# and profiles complete too).
_wslbridge()
{
	local cur prev verb sub i words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	verb= sub=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root|--state-dir) ((i++)) ;;
		-*) ;;
		*) if [[ -z $verb ]]; then verb=${COMP_WORDS[i]}; elif [[ -z $sub ]]; then sub=${COMP_WORDS[i]}; fi ;;
		esac
	done
	case $prev in
	--root|--state-dir|--file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--kind) COMPREPLY=($(compgen -W "wslconfig wslconf" -- "$cur")); return ;;
	--mtu) COMPREPLY=($(compgen -W "auto probe 1280 1300 1350 1400 1420" -- "$cur")); return ;;
	--dns) COMPREPLY=($(compgen -W "auto tunnel static" -- "$cur")); return ;;
	--dhcp|--ipv6|--host-loopback) COMPREPLY=($(compgen -W "true false" -- "$cur")); return ;;
	--mode) COMPREPLY=($(compgen -W "bridged mirrored consomme nat" -- "$cur")); return ;;
	--allow-port|--listen|--endpoint|--name|--timeout) return ;;
	esac
	local common="--root --state-dir --yes --quiet --verbose --help --color=auto --color=always --color=never"
	case $verb in
	'') words="--version -V setup repair check status doctor vpn forward host-ip dsc config undo confirm version help $common" ;;
	setup|repair) words="--mode --allow-port --host-loopback --adapter --switch --switch-id --mac --dhcp --ipv6 --no-hyperv-admin --dry-run --detailed-exitcode --json --restart --try $common" ;;
	check)
		words="--offline --xml --json --list --param --switch --adapter --mac --mtu $common"
		[[ -z $sub ]] && words+=" $(wslbridge check --list 2>/dev/null | sed -n 's/^\([a-z][a-zA-Z0-9_-]*\) .*/\1/p')" ;;
	status) words="--offline --xml --json --no-pager $common" ;;
	doctor) words="--offline --json --endpoint --name --timeout $common" ;;
	vpn)
		if [[ -z $sub ]]; then
			words="list detect apply status remove probe"
		elif [[ $sub == apply ]]; then
			words="--mtu --dns --search --probe-target --boot-only --dry-run --json $common"
			words+=" $(wslbridge vpn list 2>/dev/null | sed -n 's/^\([a-z][a-z0-9]*\) .*/\1/p')"
		elif [[ $sub == remove ]]; then
			words="--force $common"
		fi ;;
	config)
		if [[ -z $sub ]]; then
			words="get set unset list lint keys"
		else
			words="--file --kind --force --fix $common"
			case $sub in get|set|unset)
				words+=" $(wslbridge config keys 2>/dev/null | grep -v '^#' | cut -f1)" ;;
			esac
		fi ;;
	forward)
		case $sub in
		'') words="add list remove sync" ;;
		add) words="--listen --dry-run --json $common" ;;
		remove) words="--listen --all --dry-run --json $common" ;;
		list) words="--offline $common" ;;
		sync) words="--boot $common" ;;
		esac ;;
	host-ip) words="$common" ;;
	dsc) [[ -z $sub ]] && words="get test set" ;;
	undo) words="--list --force $common" ;;
	confirm) words="--notice $common" ;;
	help) words="setup repair check status doctor vpn forward host-ip dsc config undo confirm version help" ;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _wslbridge wslbridge
