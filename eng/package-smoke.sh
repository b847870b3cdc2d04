#!/usr/bin/env bash
# The package smoke (docs/packages.md): packs every shipping package into a temporary folder feed, then builds and
# runs a user's app from those packages only (tests/Typed.PackageSmoke, copied out of the repository): a typed hub
# server on Kestrel (127.0.0.1, port 0) and a typed client published with NativeAOT (any warning fails), exchanging an
# acknowledged call and an event. Prints "package-smoke: client <json>" and "package-smoke: ok"; exits non-zero with
# the reason otherwise. The PackageSmokeTests test (category Aot) runs it inside ./test.sh, with a Redis.
#
# Usage: eng/package-smoke.sh [--no-build] [--redis host:port] [work folder]
#   --no-build   Typed.sln is already built in Release (./test.sh, or the test run after a build): pack only.
#   --redis      the server scales out on that Redis (Typed.SocketIO.Redis, streams mode, recovery on), so the event
#                back to the client crosses Redis; without it the server runs alone (the package is only built in).
#   work folder  kept afterwards (feed/, app/, client/, *.log); by default a temporary folder, removed at the end.
#
# The packages get a version no other run uses (<VersionPrefix>-smoke.<time>.<pid>), so NuGet's global package
# folder never serves a stale Typed package; this run's own entries are removed from it at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

build=1
redis=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --redis) [ $# -ge 2 ] || { echo "package-smoke: --redis needs host:port" >&2; exit 2; }; redis=$2; shift 2 ;;
    *) break ;;
  esac
done
if [ $# -gt 0 ]; then
  work=$(mkdir -p "$1" && cd "$1" && pwd)
  keep=1
else
  work=$(mktemp -d)
  keep=0
fi
feed=$work/feed
app=$work/app
server_pid=""
version=""

fail() {
  echo "package-smoke: FAILED: $*" >&2
  exit 1
}

cleanup() {
  if [ -n "$server_pid" ]; then
    # SIGTERM stops the host gracefully; a server that has not exited 20 s later is killed.
    kill "$server_pid" 2>/dev/null || true
    timeout 20 tail --pid="$server_pid" -f /dev/null || kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$version" ] && [ -n "${global_packages:-}" ]; then
    rm -rf "$global_packages"/typed.*/"$version"
  fi
  if [ "$keep" -eq 0 ]; then
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Runs a dotnet command with its output in <log>; on failure shows the log.
run_logged() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "$* (log: $log)"
  fi
}

cd "$repo"
rm -rf "$feed" "$app" "$work/client" "$work"/server.*
mkdir -p "$feed"

if [ "$build" -eq 1 ]; then
  echo "package-smoke: building Typed.sln (Release)"
  run_logged "$work/build.log" dotnet build Typed.sln -c Release --nologo -v:q
fi

# Packing after the build with a suffix changes only the package version, not the assemblies in src/*/bin, so the
# solution's build stays up to date.
suffix="smoke.$(date -u +%Y%m%d%H%M%S).$$"
echo "package-smoke: packing into $feed"
run_logged "$work/pack.log" dotnet pack Typed.sln -c Release --no-build --nologo -o "$feed" --version-suffix "$suffix"
abstractions=$(cd "$feed" && ls Typed.Abstractions.*.nupkg)
version=${abstractions#Typed.Abstractions.}
version=${version%.nupkg}
global_packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
[ -n "$global_packages" ] || fail "could not find NuGet's global package folder"
for id in Typed.Abstractions Typed.SocketIO Typed.SocketIO.AspNetCore Typed.SocketIO.Redis; do
  [ -f "$feed/$id.$version.nupkg" ] || fail "$id.$version.nupkg was not packed"
  [ -f "$feed/$id.$version.snupkg" ] || fail "$id.$version.snupkg (symbols) was not packed"
done
# The generator travels inside Typed.SocketIO, and reaches a server app through the server package's dependency on
# it (and the Redis package's on the server package); exactly one copy, since two would run it twice (duplicate
# definitions).
unzip -l "$feed/Typed.SocketIO.$version.nupkg" | grep -q " analyzers/dotnet/cs/Typed.Generator.dll$" \
  || fail "Typed.SocketIO.$version.nupkg has no analyzers/dotnet/cs/Typed.Generator.dll"
for id in Typed.Abstractions Typed.SocketIO.AspNetCore Typed.SocketIO.Redis; do
  unzip -l "$feed/$id.$version.nupkg" | grep -q " analyzers/" && fail "$id.$version.nupkg has a copy of the generator"
done
for folder in build buildTransitive; do
  unzip -l "$feed/Typed.SocketIO.$version.nupkg" | grep -q " $folder/Typed.SocketIO.targets$" \
    || fail "Typed.SocketIO.$version.nupkg has no $folder/Typed.SocketIO.targets (the TypeScript maps' build step)"
done
ls "$feed" | grep -q "^Typed.Generator" && fail "Typed.Generator was packed on its own"
echo "package-smoke: packed $(cd "$feed" && ls *.nupkg | tr '\n' ' ')"

# The user's app, outside the repository: no Directory.Build.props, Directory.Packages.props or global.json of ours.
cp -R tests/Typed.PackageSmoke "$app"
cat >"$app/NuGet.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="typed-smoke" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
    <add key="local-test-packages" value="/opt/nuget/packages" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="typed-smoke">
      <package pattern="Typed.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
    <packageSource key="local-test-packages">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
CONFIG

echo "package-smoke: building the server (Typed.SocketIO.AspNetCore and Typed.SocketIO.Redis $version)"
run_logged "$work/server-build.log" dotnet build "$app/Server" -c Release --nologo -p:TypedVersion="$version"
# The package's build step wrote the hub's TypeScript event maps (buildTransitive, through Typed.SocketIO).
grep -q "interface ClientToServerEvents" "$app/Server/typescript/GreeterHub.d.ts" 2>/dev/null \
  || fail "the server build wrote no TypeScript event maps to $app/Server/typescript/GreeterHub.d.ts"
echo "package-smoke: the server build wrote typescript/GreeterHub.d.ts"

echo "package-smoke: publishing the client with NativeAOT (Typed.SocketIO $version)"
run_logged "$work/client-publish.log" dotnet publish "$app/Client" -c Release --nologo -p:TypedVersion="$version" -o "$work/client"
if grep -i "warning" "$work/client-publish.log"; then
  fail "the NativeAOT publish of the client printed warnings (log: $work/client-publish.log)"
fi
[ -x "$work/client/PackageSmoke.Client" ] || fail "no native binary at $work/client/PackageSmoke.Client"
echo "package-smoke: client published with 0 warnings"

# The server prints "listening <url>" once Kestrel listens; a FIFO makes the wait event-driven (read -t bounds it).
mkfifo "$work/server.out"
server_args=()
if [ -n "$redis" ]; then
  server_args=(--redis "$redis")
  echo "package-smoke: the server scales out on Redis $redis (streams mode, recovery on)"
fi
dotnet "$app/Server/bin/Release/net10.0/PackageSmoke.Server.dll" "${server_args[@]}" </dev/null >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
exec 3<"$work/server.out"
line=""
read -r -t 60 line <&3 || true
case "$line" in
  "listening http://127.0.0.1:"*) url=${line#listening } ;;
  *) cat "$work/server.err" >&2; fail "the server did not start listening: '$line'" ;;
esac
echo "package-smoke: server listening on $url"
# Drain the rest of the server's output so it never blocks on a full pipe.
cat <&3 >"$work/server.rest" 2>/dev/null &
exec 3<&-

result=$(timeout 60 "$work/client/PackageSmoke.Client" "$url") || fail "the native client failed (exit $?)"
echo "package-smoke: client $result"
expected='{"ack":{"text":"hello packages","number":42},"event":{"text":"hello packages","number":42}}'
[ "$result" = "$expected" ] || fail "unexpected client output; expected $expected"
echo "package-smoke: ok"
