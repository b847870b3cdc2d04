#!/usr/bin/env bash
# Side-by-side benchmarks: Typed vs Node socket.io 4.8 vs SignalR 10 vs raw WebSocket, in one run.
#   benchmarks/run.sh            full run (3 repetitions, < 20 minutes): writes benchmarks/results/results.{json,md}
#   benchmarks/run.sh --quick    ~2 minute smoke run (1 repetition, short windows)
# Other options (passed to Bench.LoadGen): --reps N, --systems typed,node,signalr,rawws, --workloads a,b1,b2,b3,c,d,e,f
# (or cluster: 2 Typed vs 2 Node servers on one Redis; optional, needs redis-server and tests/js/node_modules),
# --no-client-track, --out DIR. Each server runs pinned to core 0, the load generator to core 1.
set -euo pipefail
cd "$(dirname "$0")"

for tool in dotnet node npm taskset; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
if [ "$(nproc --all)" -lt 2 ]; then
  echo "run.sh: needs 2 cores (server on core 0, load generator on core 1)" >&2
  exit 1
fi

echo "== build (Release)"
dotnet build Bench.Server/Bench.Server.csproj -c Release --nologo -v:q
dotnet build Bench.LoadGen/Bench.LoadGen.csproj -c Release --nologo -v:q

echo "== npm packages (benchmarks/js, from package-lock.json)"
(cd js && npm ci --no-audit --no-fund --loglevel=error)

# 10,000 idle connections need more than 10,000 descriptors in the server and in the load generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "run.sh: warning: ulimit -n is $(ulimit -n); workload (e) needs about 10,100 descriptors per process" >&2
fi

echo "== run"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
# The load generator is measured in the client track: let its hot methods reach tier 1 at once (see ServerProcess.cs).
export DOTNET_TC_CallCountingDelayMs=0
exec taskset -c 1 dotnet Bench.LoadGen/bin/Release/net10.0/Bench.LoadGen.dll --root "$PWD" "$@"
