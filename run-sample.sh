#!/usr/bin/env bash
# Builds the jars, runs the sample service under load with the agent, shows metrics and journal.
set -euo pipefail
cd "$(dirname "$0")"
# Maven's quiet mode still writes terminal colour resets: its output is shown only when it fails
if ! build=$(mvn -q -B -DskipTests package 2>&1); then
    printf '%s\n' "$build" >&2
    exit 1
fi

work=$(mktemp -d)
# 0: the agent picks a free port and says which (KUBE9_SAMPLE_METRICS_PORT=9469 for a fixed one)
port=${KUBE9_SAMPLE_METRICS_PORT:-0}
echo "working directory: $work"
java -javaagent:agent/target/kube9-agent.jar=exporter.port=$port,journal.path=$work/kube9-events.db,store.path=$work/orders.db \
     -jar sample-app/target/kube9-sample-app.jar --port 0 --store "$work/orders.db" \
     --load 5000 --rate 2000 --seed 42 --hold > "$work/sample.out" 2> "$work/sample.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT

until grep -q '=== end ===' "$work/sample.out" 2>/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$work/sample.err"; exit 1; }
  sleep 0.5
done
sleep 1
echo "--- the service's own counts"
sed -n '/=== sample-app counts ===/,/=== end ===/p' "$work/sample.out"
url=$(sed -n 's|^\[kube9-agent\] metrics on \(http://[^ ]*/metrics\).*|\1|p' "$work/sample.err" | head -1)
if [ -z "$url" ]; then
  echo "--- the agent's metrics endpoint did not start; its lines on the service's stderr:"
  grep '^\[kube9-agent\]' "$work/sample.err" || true
else
  url=${url/0.0.0.0/localhost}
  echo "--- the agent's metrics ($url)"
  curl -s --max-time 10 "$url" | grep -v '^#' | grep -vE '_bucket|_created' || true
fi
kill $pid; wait $pid 2>/dev/null || true
echo "--- the journal, through the agent's command line ($work/kube9-events.db)"
java -jar agent/target/kube9-agent.jar query events stats --db "$work/kube9-events.db" --since 1h
java -jar agent/target/kube9-agent.jar query events list --db "$work/kube9-events.db" --limit 5
