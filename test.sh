#!/usr/bin/env bash
# Runs every test of Typed on a fresh machine: installs what the tests need, builds with warnings as errors, runs
# every test project, and ends with one line "tests: N passed, N failed, N skipped". Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

command -v dotnet >/dev/null || { echo "test.sh: the .NET SDK (dotnet) is required" >&2; exit 1; }
command -v node >/dev/null || { echo "test.sh: Node.js is required for the interop tests" >&2; exit 1; }

echo "== npm packages for the interop tests (tests/js, from package-lock.json)"
(cd tests/js && npm ci --no-audit --no-fund --loglevel=error)

echo "== build (Release, warnings as errors)"
dotnet build Typed.sln -c Release --nologo -v:q

echo "== NativeAOT smoke client (publish with PublishAot; any trim or AOT warning fails the run)"
rm -rf artifacts/aot-smoke
aot_log=$(mktemp)
aot_status=0
dotnet publish tests/Typed.AotSmoke -c Release -p:PublishAot=true -o artifacts/aot-smoke --nologo >"$aot_log" 2>&1 || aot_status=$?
grep -E "warning|error|->" "$aot_log" || true
if [ "$aot_status" -ne 0 ] || grep -qE "warning [A-Z]+[0-9]+" "$aot_log" || [ ! -x artifacts/aot-smoke/Typed.AotSmoke ]; then
  echo "test.sh: the NativeAOT smoke client did not publish cleanly (exit $aot_status)" >&2
  rm -f "$aot_log"
  exit 1
fi
rm -f "$aot_log"

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
echo "tests: $passed passed, $failed failed, $skipped skipped ($assemblies test assemblies)"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
