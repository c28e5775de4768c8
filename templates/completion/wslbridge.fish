# fish completion for wslbridge: the same answers as bash's and zsh's, from
# `wslbridge __complete WORD... CURRENT` (see wslbridge.bash); fish shows
# the descriptions after a tab as they come.
function __wslbridge_complete
	set -l words (commandline -opc)
	set -l out (command $words[1] __complete $words[2..-1] (commandline -ct) 2>/dev/null)
	switch "$out[1]"
		case files
			__fish_complete_path (commandline -ct)
		case dirs
			__fish_complete_directories (commandline -ct)
		case words
			printf '%s\n' $out[2..-1]
	end
end
complete -c wslbridge -f -a '(__wslbridge_complete)'
