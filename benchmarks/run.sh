#!/usr/bin/env bash
# Builds the agent, the sample service and the benchmarks (fetching the peer agents through
# Maven into benchmarks/target/peers), then runs every benchmark and prints the tables.
#   benchmarks/run.sh                  # full run, ~20 min on 2 cores
#   benchmarks/run.sh --quick          # shorter runs, wider error
#   benchmarks/run.sh --before OLD.jar # also measure another build of the agent (before/after ratios)
#   benchmarks/run.sh --only jmh,journal,startup,service,scrape
set -euo pipefail
cd "$(dirname "$0")/.."
# Maven's quiet mode still writes terminal colour resets: its output is shown only when it fails
if ! build=$(mvn -q -B -Pbenchmarks -DskipTests package 2>&1); then
    printf '%s\n' "$build" >&2
    exit 1
fi
# Run from a copy with a plain name: a `pkill -f kube9...` elsewhere on a shared machine must not
# end the run half-way (the harness copies the jars under test the same way).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp benchmarks/target/kube9-benchmarks.jar "$work/h.jar"
java -jar "$work/h.jar" --root "$PWD" "$@"
