#!/bin/bash
# bench/run.sh - runs every benchmark (bench/bench-*.sh), or those named.
#
# Benchmarks build their own network-namespace lab (tests/lab/lab.sh) and
# send packets nowhere else.  They need root.  Each prints its figures;
# docs/BENCHMARKS.md records the command lines and the numbers measured.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "bench: needs root (network namespaces)" >&2
  exit 1
fi
if [ $# -eq 0 ]; then
  set -- bench/bench-*.sh
fi
for b in "$@"; do
  echo "== $b"
  bash "$b"
done
