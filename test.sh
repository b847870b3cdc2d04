#!/usr/bin/env bash
# Runs every test of Typed on a fresh machine: installs what the tests need, builds with warnings as errors, runs
# every test project, and ends with one line "tests: N passed, N failed, N skipped". Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

command -v dotnet >/dev/null || { echo "test.sh: the .NET SDK (dotnet) is required" >&2; exit 1; }
command -v node >/dev/null || { echo "test.sh: Node.js is required for the interop and browser tests" >&2; exit 1; }

echo "== npm packages for the interop and browser tests (tests/js, from package-lock.json)"
(cd tests/js && npm ci --no-audit --no-fund --loglevel=error)

echo "== Chromium for the browser tests (Debian's package; without it they fail, saying so)"
if ! command -v chromium >/dev/null; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  ("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) </dev/null ||
    echo "test.sh: could not install chromium (apt-get install -y chromium); the browser tests will fail" >&2
fi
command -v chromium >/dev/null && chromium --version 2>/dev/null || true
rm -rf artifacts/browser

echo "== build (Release, warnings as errors)"
dotnet build Typed.sln -c Release --nologo -v:q

# publish_aot <project> <output folder> <binary>: publishes with PublishAot; any trim or AOT warning fails the run.
publish_aot() {
  rm -rf "$2"
  local log status=0
  log=$(mktemp)
  dotnet publish "$1" -c Release -p:PublishAot=true -o "$2" --nologo >"$log" 2>&1 || status=$?
  grep -E "warning|error|->" "$log" || true
  if [ "$status" -ne 0 ] || grep -qE "warning [A-Z]+[0-9]+" "$log" || [ ! -x "$2/$3" ]; then
    echo "test.sh: $1 did not publish cleanly with NativeAOT (exit $status)" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

echo "== NativeAOT smoke client (publish with PublishAot; any trim or AOT warning fails the run)"
publish_aot tests/Typed.AotSmoke artifacts/aot-smoke Typed.AotSmoke

echo "== NativeAOT chat client (samples/Chat/Chat.Client; the browser tests run this binary)"
publish_aot samples/Chat/Chat.Client artifacts/chat-client Chat.Client

echo "== test"
log=$(mktemp)
status=0
# One test project at a time: the protocol tests time heartbeats in hundreds of milliseconds on a 2-core machine.
dotnet test Typed.sln -c Release --no-build --nologo -m:1 2>&1 | tee "$log" || status=$?

# dotnet test prints one summary per assembly; add them up into the single closing line CI reads.
read -r passed failed skipped < <(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {print p+0, f+0, s+0}')
assemblies=$(grep -cE '(Passed|Failed)! +- ' "$log" || true)
rm -f "$log"
[ -d artifacts/browser ] && echo "browser test screenshots: artifacts/browser/"
echo "tests: $passed passed, $failed failed, $skipped skipped ($assemblies test assemblies)"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
