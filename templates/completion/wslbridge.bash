# bash completion for wslbridge.  The candidates come from wslbridge itself
# (`wslbridge __complete WORD... CURRENT`, the same answer the zsh and fish
# wrappers get): verbs, sub-verbs and options from its verbs table, option
# values, config keys and their values, target parameters, targets and VPN
# profiles, so what is added to wslbridge completes too.
_wslbridge()
{
	local cur i IFS=$'\n' kind
	local -a words out
	# bash splits "--color=auto" at "="; wslbridge wants the words whole
	for ((i = 1; i <= COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == = || ${COMP_WORDS[i-1]} == = ]] && ((i > 1)) && ((${#words[@]})); then
			words[-1]+=${COMP_WORDS[i]}
		else
			words+=("${COMP_WORDS[i]}")
		fi
	done
	((${#words[@]})) || words=("")
	cur=${words[-1]}
	out=($(command "${COMP_WORDS[0]}" __complete "${words[@]}" 2>/dev/null))
	kind=${out[0]}
	case $kind in
	files) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
	dirs) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
	words) ;;
	*) return ;;
	esac
	COMPREPLY=()
	for ((i = 1; i < ${#out[@]}; i++)); do
		COMPREPLY+=("${out[i]%%$'\t'*}")
	done
	# "--opt=VALUE": bash replaces only what follows the "="
	if [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]]; then
		for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"${cur%%=*}="}; done
	fi
	for i in "${COMPREPLY[@]}"; do	# "NAME=": its value follows, no space
		[[ $i == *= ]] && compopt -o nospace 2>/dev/null
	done
	return 0
}
complete -F _wslbridge wslbridge
