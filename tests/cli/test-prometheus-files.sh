#!/bin/bash
# tests/cli/test-prometheus-files.sh - the Prometheus files in
# contrib/prometheus/: promtool accepts the alerting rules and the scrape
# configuration, the rules behave as tests/cli/prometheus-rules.test.yml
# says (each alert fires, naming its target, and stays quiet just inside
# its threshold), a rule with a changed threshold fails those cases (so
# that they can fail), and every aping_* metric the rules use is one that
# the README documents.  Nothing is probed or scraped.
set -u
. "$(dirname "$0")/../tap.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/contrib/prometheus
cases=$top/tests/cli/prometheus-rules.test.yml

command -v promtool >/dev/null 2>&1 ||
  skip_all "promtool is not installed (Debian package prometheus; make deps installs it)"

check "promtool check rules aping.rules.yml" \
  promtool check rules "$dir/aping.rules.yml"
check "promtool check config prometheus.yml (and the rule file it loads)" \
  promtool check config "$dir/prometheus.yml"
check "prometheus.yml loads aping.rules.yml" \
  grep -qE '^ +- aping\.rules\.yml$' "$dir/prometheus.yml"
check "prometheus.yml scrapes one exporter and three shards" \
  sh -c 'grep -q "job_name: aping$" "$1" && grep -q "job_name: aping-edge$" "$1" &&
    test "$(grep -c "shard: \"[123]/3\"" "$1")" -eq 3' sh "$dir/prometheus.yml"
check "promtool test rules: the alerts fire as the cases say" \
  sh -c 'cd "$(dirname "$1")" && promtool test rules "$(basename "$1")"' \
  sh "$cases"

for alert in ApingHostDown ApingPacketLoss ApingHighLatency; do
  check "$alert has a summary and a description naming the target" \
    sh -c 'sed -n "/- alert: $2\$/,/- alert:/p" "$1" |
      grep -A3 -E "^ +(summary|description):" | grep -qF "{{ \$labels.target }}"' \
    sh "$dir/aping.rules.yml" "$alert"
done

# The cases must be able to fail: the same rules with the thresholds of
# loss (5 % to 20 %) and latency (100 ms to 300 ms) changed, or the
# host-down delay (2m to 10m), must fail them.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/contrib/prometheus" "$tmp/tests/cli"
cp "$cases" "$tmp/tests/cli/"
mutant() {
  sed "$1" "$dir/aping.rules.yml" >"$tmp/contrib/prometheus/aping.rules.yml"
  cmp -s "$dir/aping.rules.yml" "$tmp/contrib/prometheus/aping.rules.yml" && {
    echo "the sed expression '$1' changed nothing"; return 1; }
  (cd "$tmp/tests/cli" && ! promtool test rules prometheus-rules.test.yml) \
    >/dev/null 2>&1
}
check "the cases fail on a loss threshold of 20 %" mutant 's/> 0\.05$/> 0.2/'
check "the cases fail on a latency threshold of 300 ms" mutant 's/> 0\.1$/> 0.3/'
check "the cases fail on a host-down delay of 10m" \
  mutant '/alert: ApingHostDown/,/for:/s/for: 2m/for: 10m/'

# Every metric the rules use is one that aping serves, as the README's
# list of metrics says.
readme=$(sed -n '/^## Continuous monitoring/,/^## [^C]/p' "$top/README.md")
used=$(grep -oE 'aping_[a-z_]+' "$dir/aping.rules.yml" | sed 's/_bucket$//' |
  sort -u)
check "the rules use at least 6 aping metrics" test "$(wc -l <<<"$used")" -ge 6
for m in $used; do
  check "the README lists $m" grep -qE "^\| \`$m(\{|\`)" <<<"$readme"
done

tap_done
