#!/bin/bash
# tests/lab/test-unicode.sh - what a peer sends reaches no terminal or
# parser raw.  A service (port 7005 of tests/lab/services.py) answers with
# printable UTF-8 ("été"), C1 controls (CSI U+009B, NEL U+0085), a bidi
# override and isolate (U+202E, U+2066), a line separator (U+2028), a byte
# order mark, ESC, invalid UTF-8 and a character cut short.  In every
# format, one-shot and -l, IPv4 and IPv6: the output is valid UTF-8 with
# no control character but its line ends and none of those format
# characters; text, CSV and -l show "été" as it is and the rest escaped
# byte by byte (\xNN); JSON gives each as its code point (\u009b) and each
# invalid byte as \u00NN.  A bad target on the command line holding such
# characters is named escaped on stderr.
# Every scan runs through lab_exec (the lab's scanner namespace).
set -eu
# shellcheck source-path=SCRIPTDIR source=labtest.sh
. "$(dirname "$0")/labtest.sh"

lab_test_up
lab_services_up
P=$LAB_PORT_UNICODE

# The banner as text shows it, and as JSON's reader gets it back.
TEXT='été csi:\xc2\x9b2J nel:\xc2\x85 rlo:\xe2\x80\xae lri:\xe2\x81\xa6'
TEXT="$TEXT"' ls:\xe2\x80\xa8 bom:\xef\xbb\xbf esc:\x1b[0m bad:\xff\xc0\xaf'
TEXT="$TEXT"' cut:\xe2\x82'
export TEXT

# The checks that OUT passes (python on standard input, see py): CLEAN,
# then one of the formats'.
CLEAN='
import sys
data = sys.stdin.buffer.read()
text = data.decode("utf-8")  # strict: invalid UTF-8 fails
fmt = {0x61c, 0x200e, 0x200f, 0xfeff} | set(range(0x2028, 0x202f)) | \
    set(range(0x2066, 0x206a))
for ch in text:
    o = ord(ch)
    assert ch in "\r\n" or not (o < 0x20 or 0x7f <= o <= 0x9f or o in fmt), \
        "raw U+%04X in %r" % (o, text)
import os
TEXT = os.environ["TEXT"]
JSON = ("\u00e9t\u00e9 csi:\u009b2J nel:\u0085 rlo:\u202e lri:\u2066"
        " ls:\u2028 bom:\ufeff esc:\u001b[0m bad:\u00ff\u00c0\u00af"
        " cut:\u00e2\u0082")
'
IS_TEXT="$CLEAN"'
want = "\"" + TEXT + "\""
if len(sys.argv) > 1:  # telnet: IAC 0xc0 is a command, not text
    want = want.replace("bad:\\xff\\xc0\\xaf", "bad:\\xaf")
assert want in text, (want, text)
'
IS_JSON="$CLEAN"'
import json
recs = [json.loads(l) for l in text.splitlines()]
banners = [c["banner"] for r in recs for c in r.get("checks", [])]
banners += [r["banner"] for r in recs if "banner" in r]
assert banners and all(b == JSON for b in banners), banners
'
IS_CSV="$CLEAN"'
import csv, io, json
rows = list(csv.DictReader(io.StringIO(text)))
assert rows, text
got = []
for r in rows:
    if r.get("checks"):
        got += [c["banner"] for c in json.loads(r["checks"])]
    elif r.get("banner"):
        got.append(r["banner"])
assert got and all(b == TEXT or b == JSON for b in got), got
'

for a in 198.18.1.5 2001:db8:1::5; do
  scan --tcp "$P" --banner "$a"
  what="$a, text: été as it is, controls, bidi, invalid bytes as \\xNN"
  py "$IS_TEXT"
  scan --tcp "$P" --banner --format json "$a"
  what="$a, JSON: every such character as its code point, no raw one"
  py "$IS_JSON"
  scan --tcp "$P" --banner --format csv "$a"
  what="$a, CSV: the checks column's JSON the same, no raw one"
  py "$IS_CSV"
  scan -m none --telnet="$P" "$a"
  what="$a, -m none --telnet: the same banner (less a Telnet command)"
  py "$IS_TEXT" telnet
done

scan --tcp "$P" --banner --expect '^été csi:' 198.18.1.5
what="--expect matches the banner as it came (été and all): exit 0"
expect test "$RC" -eq 0

for f in text json csv; do
  scan -l -p 200 --deadline 0.5 --tcp "$P" --banner --format "$f" 198.18.1.5
  what="-l, $f: the per-probe lines escaped as one-shot ones"
  case $f in
    text) py "$IS_TEXT" ;;
    json) py "$IS_JSON" ;;
    csv) py "$IS_CSV" ;;
  esac
done

scan $'ev\u202eil\xc2\x85\x1b[2J\xff.example' 198.18.1.5
what="a bad target with a bidi override, C1, ESC, invalid UTF-8: named escaped"
expect test "$RC" -eq 3
bad='ev\xe2\x80\xaeil\xc2\x85\x1b[2J\xff.example'
expect grep -qxF \
  "aping: bad target '$bad': not an address or host name (exit 3)" <<<"$ERR"

tap_done
