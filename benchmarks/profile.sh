#!/usr/bin/env bash
# CPU profile of one server under one workload: perf samples the server process (pinned to core 0) during the
# first measured window of the workload, with the .NET JIT's perf map so managed frames have names.
#   benchmarks/profile.sh typed b2            (system: typed|node|signalr|rawws; workload: a|b1|b2|b3|c|f)
# Writes /tmp/bench-profile-<system>-<workload>.{data,txt,log} and prints the top symbols by self time.
# Run benchmarks/run.sh --quick once first (it builds everything). Needs perf and root (or perf_event_paranoid <= 1).
set -euo pipefail
cd "$(dirname "$0")"
system=${1:?system}; workload=${2:?workload}
out=/tmp/bench-profile-$system-$workload
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
rm -f "$out.log"

BENCH_ANNOUNCE_WINDOWS=1 DOTNET_TC_CallCountingDelayMs=0 taskset -c 1 dotnet Bench.LoadGen/bin/Release/net10.0/Bench.LoadGen.dll \
  --reps 1 --systems "$system" --workloads "$workload" --no-client-track --out "$out.results" \
  --server-env DOTNET_PerfMapEnabled=1 --server-env DOTNET_EnableWriteXorExecute=0 > "$out.log" 2>&1 &
loadgen=$!
pid=""
for _ in $(seq 600); do
  # The warm-up pass opens windows too; the workload's own window is the first after the server's pid is printed
  # by a workload line, so wait for the warm-up to end (it opens 4 windows, 3 without polling).
  pid=$(grep -m1 -oP "window-start \K[0-9]+" <(grep "window-start" "$out.log" | sed -n "$([ "$system" = rawws ] && echo 4 || echo 5)p") || true)
  [ -n "$pid" ] && break
  sleep 0.05
done
[ -n "$pid" ] || { echo "profile.sh: no measured window started" >&2; cat "$out.log" >&2; exit 1; }
perf record -F 1999 -g -p "$pid" -o "$out.data" -- sleep 2.5 2> "$out.perf.log" || cat "$out.perf.log" >&2
wait "$loadgen" || true
grep -E "^\[.*\]   " "$out.log" || true
perf report -i "$out.data" --no-children -g none --sort dso,symbol --stdio 2>/dev/null | grep -E "^ +[0-9]" | head -45 > "$out.txt" || true
echo "== top symbols by self time (more: perf report -i $out.data --children --sort symbol)"
cut -c1-200 "$out.txt"
