#!/usr/bin/env bash
# Coverage-guided fuzzing of the decoders the network reaches, with SharpFuzz and AFL++ (docs/testing.md#fuzzing).
#   eng/fuzz.sh <target|all> <seconds> [executions]
# Targets: eio-packet eio-payload sio-json sio-msgpack handshake websocket (tests/Typed.Fuzz). "all" runs them one
# after the other, <seconds> each; with [executions], a target also stops after about that many executions (AFL++ -E),
# whichever comes first. Installs what it needs (Debian's afl++, the SharpFuzz CLI as a local dotnet tool
# from .config/dotnet-tools.json), publishes tests/Typed.Fuzz into artifacts/fuzz/bin, instruments the assemblies
# under test there, seeds AFL++ with tests/Typed.Fuzz/corpus/<target>/ and prints executions and crashes per target.
# Findings stay in artifacts/fuzz/<target>/; a crash input replays (uninstrumented, outside AFL++) with
#   dotnet build tests/Typed.Fuzz -c Release && dotnet tests/Typed.Fuzz/bin/Release/net10.0/Typed.Fuzz.dll <target> --replay <file>
set -euo pipefail
cd "$(dirname "$0")/.."

targets_all=(eio-packet eio-payload sio-json sio-msgpack handshake websocket)
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: eng/fuzz.sh <${targets_all[*]// /|}|all> <seconds> [executions]" >&2; exit 2; }
[[ "$2" =~ ^[0-9]+$ ]] || { echo "eng/fuzz.sh: seconds must be a number" >&2; exit 2; }
exec_limit=()
if [ $# -eq 3 ]; then
  [[ "$3" =~ ^[0-9]+$ ]] || { echo "eng/fuzz.sh: executions must be a number" >&2; exit 2; }
  exec_limit=(-E "$3")
fi
if [ "$1" = all ]; then targets=("${targets_all[@]}"); else targets=("$1"); fi
for t in "${targets[@]}"; do
  [ -d "tests/Typed.Fuzz/corpus/$t" ] || { echo "eng/fuzz.sh: unknown target $t" >&2; exit 2; }
done

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v afl-fuzz >/dev/null; then
  echo "== installing afl++ (Debian package)"
  sudo_if_needed apt-get update -q
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -q afl++
fi

echo "== SharpFuzz CLI (local dotnet tool)"
dotnet tool restore >/dev/null

bin=artifacts/fuzz/bin
echo "== publishing tests/Typed.Fuzz into $bin and instrumenting it"
rm -rf "$bin"
dotnet publish tests/Typed.Fuzz -c Release -o "$bin" --nologo -v:q >/dev/null
# The runtime assemblies under test, and of the harness only the shared WebSocketMessageReader source it compiles in
# (instrumented code must not run before Fuzzer.Run has mapped AFL++'s shared memory, so never the harness itself).
dotnet tool run sharpfuzz "$bin/Typed.SocketIO.dll" >/dev/null
dotnet tool run sharpfuzz "$bin/Typed.SocketIO.AspNetCore.dll" >/dev/null
dotnet tool run sharpfuzz "$bin/Typed.Fuzz.dll" Typed.SocketIO.Internal >/dev/null

# AFL++ on a shared or container machine: no CPU governor to check, crashes not handed to a core-dump helper, no UI.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1
export DOTNET_TieredPGO=0

summary=()
status=0
for t in "${targets[@]}"; do
  out=artifacts/fuzz/$t
  rm -rf "$out"
  mkdir -p "$out"
  echo "== fuzzing $t for $2 s (log: $out/afl.log)"
  # -V stops after the time; -t is per input in ms (generous: a persistent .NET process on a busy 2-core machine).
  afl-fuzz -i "tests/Typed.Fuzz/corpus/$t" -o "$out/findings" -t 5000 -m none -V "$2" "${exec_limit[@]}" \
    -- dotnet "$bin/Typed.Fuzz.dll" "$t" >"$out/afl.log" 2>&1 || { echo "afl-fuzz failed for $t:"; tail -20 "$out/afl.log"; status=1; continue; }
  stats=$out/findings/default/fuzzer_stats
  execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats")
  crashes=$(awk -F' *: *' '$1=="saved_crashes"||$1=="unique_crashes"{print $2}' "$stats" | head -1)
  hangs=$(awk -F' *: *' '$1=="saved_hangs"||$1=="unique_hangs"{print $2}' "$stats" | head -1)
  seconds=$(awk -F' *: *' '$1=="run_time"{print $2}' "$stats")
  summary+=("$t: $execs executions in ${seconds:-?} s, $crashes crashes, $hangs hangs")
  [ "${crashes:-0}" -eq 0 ] || status=1
  find "$out/findings/default/crashes" -type f -name 'id:*' 2>/dev/null | sed 's/^/  crash input: /'
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
