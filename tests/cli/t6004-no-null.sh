#!/bin/sh
# No "(null)" in any output (issue 19 item 8): every verb of `wslbridge help`,
# its help, and its usual forms, in scenarios that leave facts unknown
# (a standard user, Consomme with a fallback ahead, Global Secure Access).
. "$(dirname "$0")/../lib.sh"
test_simulated_host

# The verbs as `wslbridge help` lists them: a verb added later is run here too.
verbs() { "$WB" help | sed -n '/^verbs:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'; }

# forms VERB: the argument lists to run it with (one per line).
forms() {
	case $1 in
	setup) printf '%s\n' "--dry-run" "--mode consomme --dry-run --json" ;;
	repair) printf '%s\n' "--dry-run" ;;
	check) printf '%s\n' "" "--json" "consomme" ;;
	doctor) printf '%s\n' "--offline --timeout 100" ;;
	vpn) printf '%s\n' "detect" "apply --dry-run" ;;
	forward) printf '%s\n' "list" ;;
	config) printf '%s\n' "list" ;;
	undo) printf '%s\n' "--list" ;;
	*) printf '%s\n' "" ;;
	esac
}

test_expect_success 'the verbs are listed' '
	verbs >v && test_grep "^setup$" v && test_grep "^host-ip$" v && test "$(wc -l <v)" -ge 10
'

for s in consomme-novirtio standard-user-pro vpn-gsa; do
	test_expect_success "no (null) from any verb in $s" '
		rm -rf h-'$s' && WINHOST_DIR=$PWD/h-'$s' "$RUN" '$s' -- true && : >all &&
		for v in $(verbs); do
			"$WB" help "$v" >>all 2>&1
			forms "$v" | while IFS= read -r args; do
				echo "== $v $args" >>all
				# shellcheck disable=SC2086
				WINHOST_DIR=$PWD/h-'$s' "$RUN" '$s' -- "$WB" $v $args >>all 2>&1 </dev/null
			done
		done &&
		test_grep "^== check consomme" all && test_grep "^== setup --mode consomme --dry-run --json" all &&
		if grep -n "(null)" all; then exit 1; fi
	'
done

test_done
