#!/usr/bin/env bash
# CPU profile of one server under one workload: perf samples the server process (pinned to core 0) during the
# measured window, with the .NET JIT's perf map so managed frames have names.
#   benchmarks/profile.sh typed b2            (system: typed|node|signalr|rawws; workload: a|b1|b2|b3|c|f)
# Writes /tmp/bench-profile-<system>-<workload>.{data,txt} and prints the top symbols (self and with children).
# Run benchmarks/run.sh --quick once first (it builds everything). Needs perf and root (or perf_event_paranoid <= 1).
set -euo pipefail
cd "$(dirname "$0")"
system=${1:?system}; workload=${2:?workload}
out=/tmp/bench-profile-$system-$workload
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

taskset -c 1 dotnet Bench.LoadGen/bin/Release/net10.0/Bench.LoadGen.dll --reps 1 --systems "$system" --workloads "$workload" \
  --no-client-track --out "$out.results" --server-env DOTNET_PerfMapEnabled=1 --server-env DOTNET_EnableWriteXorExecute=0 > "$out.log" 2>&1 &
loadgen=$!
pid=""
for _ in $(seq 100); do
  pid=$(pgrep -P "$loadgen" -f "Bench.Server.dll|server.mjs" || true)
  [ -n "$pid" ] && break
  sleep 0.1
done
[ -n "$pid" ] || { echo "profile.sh: the server did not start" >&2; cat "$out.log" >&2; exit 1; }
sleep 3   # start-up and warm-up
perf record -F 1999 -g -p "$pid" -o "$out.data" -- sleep 3 2> "$out.perf.log" || { cat "$out.perf.log" >&2; }
wait "$loadgen" || true
grep -E "^\[.*\]   " "$out.log" || true
perf report -i "$out.data" --no-children -g none --sort dso,symbol --stdio 2>/dev/null | grep -E "^ +[0-9]" | head -45 > "$out.txt"
echo "== top symbols, self time (full report: perf report -i $out.data)"
cat "$out.txt"
