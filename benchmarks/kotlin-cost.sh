#!/usr/bin/env bash
# What kube9-agent costs a Kotlin service: suspend sites of both shapes the compiler makes, and
# coroutine resumptions (which pass the agent's hook in Kotlin's BaseContinuationImpl). Each case
# runs in JVMs of its own, without the agent and with it (and with a second agent jar, BEFORE=),
# alternating, ROUNDS times; the table gives each setup's median ns per operation and its ratio
# to no agent. Needs Maven (the Kotlin compiler and runtime come through it) and a built agent.
#   benchmarks/kotlin-cost.sh                 # ~6 min
#   ROUNDS=3 BEFORE=/path/to/old-kube9-agent.jar benchmarks/kotlin-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
AGENT=${AGENT:-agent/target/kube9-agent.jar}
BEFORE=${BEFORE:-}
ROUNDS=${ROUNDS:-5}
JAVA=${JAVA:-java}
AGENT_ARGS=${AGENT_ARGS:-journal.enabled=false,exporter.enabled=false}
CASES=${CASES:-"machine-site machine-no-site flat-site flat-no-site plain-site plain-no-site resumption resumption:under-way"}
[ -f "$AGENT" ] || { echo "no agent jar at $AGENT: mvn -q -B -pl agent -am -DskipTests package" >&2; exit 1; }

mvn -q -B -pl it-tests dependency:copy@kotlin-compiler dependency:copy@kotlin-libs
compiler=$(ls it-tests/target/kotlin-compiler/*.jar | tr '\n' ':')
runtime=$(ls it-tests/target/kotlin-libs/*.jar | tr '\n' ':')
out=benchmarks/target/kotlin-cost
rm -rf "$out" && mkdir -p "$out"
"$JAVA" -cp "$compiler" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler -no-stdlib -no-reflect -nowarn -jvm-target 11 \
    -cp "$runtime" -d "$out/classes" benchmarks/kotlin/SuspendCost.kt

setups="none kube9"
[ -n "$BEFORE" ] && setups="$setups before"
results="$out/results.txt"
: > "$results"
for round in $(seq "$ROUNDS"); do
  for case in $CASES; do
    for setup in $setups; do
      case $setup in
        none) agent=() ;;
        kube9) agent=("-javaagent:$AGENT=$AGENT_ARGS") ;;
        before) agent=("-javaagent:$BEFORE=$AGENT_ARGS") ;;
      esac
      line=$("$JAVA" "${agent[@]}" -cp "$out/classes:$runtime" cost.SuspendCostKt ${case/:/ } | grep '^RESULT')
      echo "$round $setup $line" | tee -a "$results" >&2
    done
  done
done

# round setup RESULT case ns -> per case and setup, the median of the rounds; ratio to none
awk '{ print $4, $2, $5 }' "$results" | sort -k1,1 -k2,2 -k3,3g | awk -v setups="$setups" '
  { key = $1 " " $2; values[key] = values[key] " " $3; n[key]++; cases[$1] = 1 }
  function median(list, count,   a) { split(substr(list, 2), a, " "); return a[int((count + 1) / 2)] }
  END {
    split(setups, s, " ")
    printf "| case |"; for (i = 1; i in s; i++) printf " %s ns |", s[i]; for (i = 2; i in s; i++) printf " %s / none |", s[i]; print ""
    printf "| --- |"; for (i = 1; i in s; i++) printf " ---: |"; for (i = 2; i in s; i++) printf " ---: |"; print ""
    for (c in cases) {
      none = median(values[c " none"], n[c " none"])
      printf "| %s |", c
      for (i = 1; i in s; i++) printf " %.1f |", median(values[c " " s[i]], n[c " " s[i]])
      for (i = 2; i in s; i++) printf " %.2f |", median(values[c " " s[i]], n[c " " s[i]]) / none
      print ""
    }
  }' | tee "$out/table.md"
