#!/usr/bin/env bash
# Adds every public symbol the Public API analyzer reports as undeclared (RS0016) to PublicAPI.Unshipped.txt of its
# project, and removes lines it reports as gone (RS0017). Run it after a deliberate public API change, then review the
# diff of the PublicAPI.*.txt files: that diff is the API change.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build Typed.sln -c Release --no-incremental --nologo -v:q -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= >"$log" 2>&1 || true
python3 - "$log" <<'PY'
import collections, os, re, sys
added = collections.defaultdict(set)
removed = collections.defaultdict(set)
pattern = re.compile(r"^(?P<file>/[^(]+)\(\d+,\d+\): (?:warning|error) (?P<id>RS0016|RS0017): Symbol '(?P<symbol>.*)' is (?:not part of the declared public API|part of the declared API, but)")
for line in open(sys.argv[1], encoding="utf-8"):
    m = pattern.match(line.strip())
    if not m:
        continue
    project = re.search(r"\[(?P<proj>[^\]]+\.csproj)\]", line)
    folder = os.path.dirname(project.group("proj")) if project else os.path.dirname(m.group("file"))
    (added if m.group("id") == "RS0016" else removed)[folder].add(m.group("symbol"))
for folder in sorted(set(added) | set(removed)):
    path = os.path.join(folder, "PublicAPI.Unshipped.txt")
    lines = open(path, encoding="utf-8").read().splitlines() if os.path.exists(path) else ["#nullable enable"]
    body = [l for l in lines[1:] if l and l not in removed[folder]]
    body = sorted(set(body) | added[folder], key=str.lower)
    open(path, "w", encoding="utf-8").write("\n".join([lines[0]] + body) + "\n")
    print(f"{path}: +{len(added[folder])} -{len(removed[folder])}")
PY
