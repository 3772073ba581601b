#!/bin/bash
# tests/cli/test-completion.sh - the bash completion script
# (contrib/bash-completion/aping), loaded into a plain bash: what it offers
# after "--fo", "--format ", "--format=", "-m " and "-f ", that options
# taking a number or an address (-t, -p, --listen, --buckets ...) get no
# host names, -I the interfaces, and that the options it offers are exactly those of
# `aping -h`.  Nothing is probed.
set -u
. "$(dirname "$0")/../tap.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
script=$top/contrib/bash-completion/aping
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
touch "$dir/hosts.txt" "$dir/hosts2.txt"

# complete_words WORD...: what _aping offers for the last word, one a line,
# sorted.  The words are split as bash's readline would split them.
complete_words() {
  bash --norc --noprofile -c '
    . "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _aping
    printf "%s\n" "${COMPREPLY[@]}"' sh "$script" "$@" | sort
}

check "the script loads and registers _aping for aping" \
  bash --norc --noprofile -c '. "$1" && complete -p aping | grep -q _aping' \
  sh "$script"
check "--fo completes to --format" \
  test "$(complete_words aping --fo)" = "--format"
check "--format offers the five formats" \
  test "$(complete_words aping --format '' | tr '\n' ' ')" = \
  "csv json nagios prom text "
check "--format=j (split at =) completes to json" \
  test "$(complete_words aping --format = j)" = "json"
check "-m offers the four methods" \
  test "$(complete_words aping -m '' | tr '\n' ' ')" = "auto exec icmp none "
check "--color offers auto, always and never" \
  test "$(complete_words aping 192.0.2.1 --color a | tr '\n' ' ')" = \
  "always auto "
check "--file (fping's name for -f) completes file names" \
  test "$(complete_words aping --file "$dir/hosts2" | tr '\n' ' ')" = \
  "$dir/hosts2.txt "
check "--vc completes to --vcount" \
  test "$(complete_words aping --vc)" = "--vcount"
check "-f completes file names" \
  test "$(complete_words aping -f "$dir/ho" | tr '\n' ' ')" = \
  "$dir/hosts.txt $dir/hosts2.txt "
check "-t offers nothing" test -z "$(complete_words aping -t '')"
# Without their own case they would get host names, as targets do.
check "a target offers host names (localhost)" \
  sh -c 'printf "%s\n" "$1" | grep -qx localhost' \
  sh "$(complete_words aping local)"
check "-I offers the interfaces (lo)" \
  grep -qx lo <<<"$(complete_words aping -I l)"
for opt in -p --period -Q --squiet --listen --buckets -C --vcount --count \
  --timeout --rta --pl -S --src -b --ttl --tos --fwmark; do
  check "$opt offers nothing" test -z "$(complete_words aping "$opt" '')"
done

# The option list against aping -h: every option in the usage line and the
# help text, and nothing else.
run_aping -h
want=$(grep -oE '(^|[ [,])--?[A-Za-z0-9][-A-Za-z0-9]*' <<<"$OUT" |
  sed 's/^[ [,]//' | sort -u)
cluster=$(grep -oE '^usage: aping \[-[0-9A-Za-z]+\]' <<<"$OUT" |
  sed 's/.*\[-//; s/\]//')
want=$( (printf '%s\n' "$want" | grep -vxF -- "-$cluster"
  sed 's/./-&\n/g' <<<"$cluster" | grep .) | sort -u)
got=$(complete_words aping - | grep -vxF -- --telnet=)
check "aping -h lists at least 40 options" test "$(wc -l <<<"$want")" -ge 40
check "the completion offers exactly the options of aping -h" \
  diff <(printf '%s\n' "$want") <(printf '%s\n' "$got")

tap_done
