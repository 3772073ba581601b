#!/bin/bash
# tests/cli/test-docs.sh - every option in the usage line of `aping -h` is
# also explained in the rest of -h, in the manual's SYNOPSIS and OPTIONS,
# and in the README's table of options.  The list comes from the binary,
# so an option added to the parser and its usage line but documented
# nowhere else fails here.  No packet is sent: nothing is probed.
set -u
. "$(dirname "$0")/../tap.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
man=$(cat "$top/man/aping.1")
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' <<<"$man")
options=$(sed -n '/^\.SH OPTIONS/,/^\.SH TIMING/p' <<<"$man")
readme=$(sed -n '/^### Options/,/^### Exit status/p' "$top/README.md")

run_aping -h
usage=$(sed -n '/^usage:/,/target \.\.\./p' <<<"$OUT")
help=$(sed '1,/target \.\.\./d' <<<"$OUT")
# "[-46aeqsuvV]" is a cluster of flags; "[-B factor]", "[--any]" and
# "[--telnet[=port]]" are one option each.
cluster=$(grep -oE '\[-[0-9A-Za-z]{2,}\]' <<<"$usage" | head -1 | tr -d '[]-')
opts=$(grep -oE '\[--?[A-Za-z0-9][-A-Za-z0-9]*' <<<"$usage" |
  sed 's/^\[//' | grep -vxF -- "-$cluster")
opts="$opts $(sed 's/./-& /g' <<<"$cluster")"
check "the usage line lists options (a cluster and at least 30)" \
  test -n "$cluster" -a "$(wc -w <<<"$opts")" -ge 30

for opt in $opts; do
  # The option as the manual spells it: every '-' as '\-', as an ERE.
  re=$(sed 's/-/\\\\-/g' <<<"$opt")
  end='([^A-Za-z0-9\\]|\\f|$)'
  check "-h explains $opt" grep -qE -- "(^  |, )$opt([ ,=[]|$)" <<<"$help"
  if [ "${#opt}" -eq 2 ] && [[ $cluster == *"${opt#-}"* ]]; then
    check "the manual's SYNOPSIS has $opt" \
      grep -qE -- "^\.OP \\\\-[0-9A-Za-z]*${opt#-}" <<<"$synopsis"
  else
    check "the manual's SYNOPSIS has $opt" \
      grep -qE -- "^\.(OP|RB \[) ${re}${end}" <<<"$synopsis"
  fi
  check "the manual's OPTIONS explain $opt" \
    grep -qE -- "^(\.(B|BI|BR|TP|TQ) |\\\\fB)${re}${end}" <<<"$options"
  check "the README's table of options has $opt" \
    grep -qE -- "^\| .*\`$opt[\` =[]" <<<"$readme"
done

tap_done
