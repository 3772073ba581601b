#!/bin/bash
# tests/cli/test-docs.sh - the options in `aping -h` and in the manual agree,
# both ways: every option in the usage line of `aping -h` is explained in the
# rest of -h, in the manual's SYNOPSIS and OPTIONS and in the README's table
# of options; every option the manual's SYNOPSIS shows is in the usage line,
# and every option its OPTIONS section explains (.It Fl ...) is in -h.  The
# list comes from the binary, so an option added to the parser and its usage
# line but documented nowhere else fails here.  The manual (mdoc) must also
# pass `mandoc -Tlint -W warning` silently and render with mandoc and man.
# No packet is sent: nothing is probed.
set -u
. "$(dirname "$0")/../tap.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
page=$top/man/aping.1
man=$(cat "$page")
synopsis=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' <<<"$man")
options=$(sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' <<<"$man" | sed '$d')
readme=$(sed -n '/^### Options/,/^### Exit status/p' "$top/README.md")

# mdoc spells an option without its first dash and with '\-' for the others:
# --exclude-file is "Fl \-exclude\-file".  As an ERE:
man_re() {
  sed -e 's/^-//' -e 's/-/\\\\-/g' <<<"$1"
}

# ... and back: every "Fl X" in the given lines, as -X.
man_opts() {
  grep -oE 'Fl [^ ]+' | sed -e 's/^Fl //' -e 's/\\-/-/g' -e 's/^/-/' |
    grep -E '^-[-A-Za-z0-9]' | sort -u
}

run_aping -h
usage=$(sed -n '/^usage:/,/target \.\.\./p' <<<"$OUT")
help=$(sed '1,/target \.\.\./d' <<<"$OUT")
all_help=$OUT
# "[-46aeqsuvV]" is a cluster of flags; "[-B factor]", "[--any]" and
# "[--telnet[=port]]" are one option each.
cluster=$(grep -oE '\[-[0-9A-Za-z]{2,}\]' <<<"$usage" | head -1 | tr -d '[]-')
opts=$(grep -oE '\[--?[A-Za-z0-9][-A-Za-z0-9]*' <<<"$usage" |
  sed 's/^\[//' | grep -vxF -- "-$cluster")
opts="$opts $(sed 's/./-& /g' <<<"$cluster")"
check "the usage line lists options (a cluster and at least 30)" \
  test -n "$cluster" -a "$(wc -w <<<"$opts")" -ge 30

for opt in $opts; do
  re=$(man_re "$opt")
  check "-h explains $opt" grep -qE -- "(^  |, )$opt([ ,=[]|$)" <<<"$help"
  if [ "${#opt}" -eq 2 ] && [[ $cluster == *"${opt#-}"* ]]; then
    check "the manual's SYNOPSIS has $opt" \
      grep -qE -- "^\.Op Fl [0-9A-Za-z]*${opt#-}" <<<"$synopsis"
  else
    check "the manual's SYNOPSIS has $opt" \
      grep -qE -- "^\.Op Fl ${re}( |$)" <<<"$synopsis"
  fi
  check "the manual's OPTIONS explain $opt" \
    grep -qE -- "^\.It (.* )?Fl ${re}( |$)" <<<"$options"
  check "the README's table of options has $opt" \
    grep -qE -- "^\| .*\`$opt[\` =[]" <<<"$readme"
done

# The other way round.  The cluster's letters count one by one.
usage_opts=$(printf "%s\n" $opts | sort -u)
syn_opts=$(grep '^\.Op Fl' <<<"$synopsis" | man_opts |
  sed "s/^-$cluster\$/$(sed 's/./-&\\n/g' <<<"$cluster")/" | grep . | sort -u)
check "the manual's SYNOPSIS shows options" \
  test "$(wc -l <<<"$syn_opts")" -ge 30
for opt in $syn_opts; do
  check "the usage line has $opt (from the SYNOPSIS)" \
    grep -qxF -- "$opt" <<<"$usage_opts"
done
doc_opts=$(grep '^\.It .*Fl ' <<<"$options" | man_opts)
check "the manual's OPTIONS explain options" \
  test "$(wc -l <<<"$doc_opts")" -ge 30
for opt in $doc_opts; do
  check "aping -h has $opt (from the manual's OPTIONS)" \
    grep -qE -- "(^|[ ,[])$opt([] ,=[|]|$)" <<<"$all_help"
done

# The page itself: clean for mandoc's linter, and it renders.
if command -v mandoc >/dev/null 2>&1; then
  check "mandoc -Tlint -W warning prints nothing" \
    sh -c 'out=$(mandoc -Tlint -W warning "$1" 2>&1)
      echo "$out"; test -z "$out"' \
    sh "$page"
  check "mandoc renders the page with its sections" \
    sh -c 'out=$(mandoc -Tutf8 "$1" | col -b) && for s in NAME SYNOPSIS \
      DESCRIPTION OPTIONS "OUTPUT FORMATS" "CONTINUOUS MONITORING" \
      "EXIT STATUS" ENVIRONMENT FILES \
      EXAMPLES "SECURITY CONSIDERATIONS" "SEE ALSO"; do
        printf "%s\n" "$out" | grep -qx "$s" || { echo "no $s"; exit 1; }
      done' sh "$page"
else
  tap_skip "mandoc lints and renders the page" \
    "mandoc is not installed (make deps installs it)"
fi
# man-db's man (a minimized image may have a stub that renders nothing).
if man --version 2>/dev/null | grep -q '^man '; then
  check "man -l renders the page" \
    sh -c 'MANWIDTH=80 MAN_KEEP_FORMATTING= man -l "$1" 2>&1 | col -b |
      grep -q "^SECURITY CONSIDERATIONS"' sh "$page"
else
  tap_skip "man -l renders the page" \
    "man (man-db) is not installed (make deps installs it)"
fi

tap_done
