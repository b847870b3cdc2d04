#!/usr/bin/env bash
# Runs every test of Typed on a fresh machine: sets the machine up (eng/setup.sh), builds with warnings as errors,
# publishes the NativeAOT binaries, runs every test project, and ends with one line "tests: N passed, N failed,
# N skipped" summed from the TRX result files. Exits non-zero on any failure.
# For a quick run of the tests that need no Node and no browser: dotnet test Typed.sln --filter Category=Unit
# (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")"

command -v dotnet >/dev/null || { echo "test.sh: the .NET SDK (dotnet) is required" >&2; exit 1; }

eng/setup.sh
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
# Typed.Interop.Tests' PackageSmokeTests (category Aot) runs eng/package-smoke.sh --no-build on this build: the
# packages packed into a temporary feed, and an app built and published with NativeAOT from them only.
# The test projects of the solution: those that say <IsTestProject>true</IsTestProject> (Typed.Testing and
# Typed.AotSmoke do not).
test_projects=()
while IFS= read -r project; do
  project=${project//\\//}
  grep -q "<IsTestProject>true</IsTestProject>" "$project" && test_projects+=("$project")
done < <(dotnet sln Typed.sln list | grep -E '\.csproj$')
[ "${#test_projects[@]}" -gt 0 ] || { echo "test.sh: no test project found in Typed.sln" >&2; exit 1; }

results=artifacts/test-results
rm -rf "$results"
status=0
# One test project at a time: the protocol tests time heartbeats in hundreds of milliseconds on a 2-core machine.
# Each writes <project>.trx; a failing project does not stop the others.
for project in "${test_projects[@]}"; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=$?
done

# The summary comes from the TRX files, not the console; sum-trx.py fails when a project left none.
summary=$(python3 eng/sum-trx.py "$results" "${#test_projects[@]}") || { echo "test.sh: could not sum the test results" >&2; exit 1; }
read -r passed failed skipped <<<"$summary"
[ -d artifacts/browser ] && echo "browser test screenshots: artifacts/browser/"
echo "test results: $results/"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
