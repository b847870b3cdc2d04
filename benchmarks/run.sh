#!/usr/bin/env bash
# Side-by-side benchmarks: Typed vs Node socket.io 4.8 vs SignalR 10 vs raw WebSocket, in one run.
#   benchmarks/run.sh            full run (3 repetitions, < 20 minutes): writes benchmarks/results/results.{json,md}
#   benchmarks/run.sh --quick    ~2 minute smoke run (1 repetition, short windows)
# Other options (passed to Bench.LoadGen): --reps N, --systems typed,node,signalr,rawws, --workloads a,b1,b2,b3,c,d,e,f
# (or cluster: 2 Typed vs 2 Node servers on one Redis; optional, needs redis-server and tests/js/node_modules),
# --no-client-track, --out DIR, --server-cores LIST, --client-cores LIST. Each server runs pinned to the server cores
# (default 0), the load generator and the Node client to the client cores (default 1); LIST is taskset's cpu list
# (0, 0-3, 0,2,4-5). The two lists must not overlap, or the load generator competes with the server it measures.
set -euo pipefail
cd "$(dirname "$0")"

server_cores=0
client_cores=1
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --server-cores) server_cores="${args[i + 1]:-}" ;;
    --client-cores) client_cores="${args[i + 1]:-}" ;;
  esac
done

# Expands a cpu list (0-3,6) to one core number a line, or fails on anything else.
expand_cores() {
  local part first last
  [[ "$1" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || return 1
  IFS=, read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    first="${part%-*}" last="${part#*-}"
    [ "$first" -le "$last" ] || return 1
    seq "$first" "$last"
  done
}
available="$(nproc --all)"
for list in "$server_cores" "$client_cores"; do
  cores="$(expand_cores "$list")" || { echo "run.sh: '$list' is not a cpu list (examples: 0, 0-3, 0,2,4-5)" >&2; exit 1; }
  for core in $cores; do
    [ "$core" -lt "$available" ] || { echo "run.sh: core $core is not on this machine ($available cores: 0-$((available - 1)))" >&2; exit 1; }
  done
done
overlap="$(comm -12 <(expand_cores "$server_cores" | sort -u) <(expand_cores "$client_cores" | sort -u))"
if [ -n "$overlap" ]; then
  echo "run.sh: --server-cores $server_cores and --client-cores $client_cores share core(s) $(echo $overlap)" >&2
  exit 1
fi

for tool in dotnet node npm taskset; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

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
exec taskset -c "$client_cores" dotnet Bench.LoadGen/bin/Release/net10.0/Bench.LoadGen.dll --root "$PWD" \
  --server-cores "$server_cores" --client-cores "$client_cores" "$@"
