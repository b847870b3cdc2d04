#!/usr/bin/env bash
# Prepares a machine for the tests (./test.sh runs this first; running it alone is fine, and so is running it twice):
#   - the npm packages of the interop and browser tests, exactly as tests/js/package-lock.json pins them;
#   - Chromium for the browser tests and redis-server for the cluster tests (Debian's packages), and python3 for
#     test.sh's result summary, when absent. The tests start their own redis-server on a free loopback port; the
#     distribution's service is stopped so that nothing else listens.
# Needs Node.js; installs system packages with apt-get (through sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null || { echo "eng/setup.sh: Node.js is required for the interop and browser tests" >&2; exit 1; }

echo "== npm packages for the interop and browser tests (tests/js, from package-lock.json)"
(cd tests/js && npm ci --no-audit --no-fund --loglevel=error)

# apt_install <package>...: apt-get update, then install; failure is reported by the caller, which knows what breaks.
apt_install() {
  local as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  ("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@") </dev/null
}

echo "== Chromium for the browser tests (Debian's package; without it they fail, saying so)"
if ! command -v chromium >/dev/null; then
  apt_install chromium ||
    echo "eng/setup.sh: could not install chromium (apt-get install -y chromium); the browser tests will fail" >&2
fi
command -v chromium >/dev/null && chromium --version 2>/dev/null || true

echo "== redis-server for the Redis cluster tests (Debian's package; the tests start and stop their own instances)"
if ! command -v redis-server >/dev/null; then
  apt_install redis-server ||
    echo "eng/setup.sh: could not install redis-server (apt-get install -y redis-server); the Redis tests will fail" >&2
  # The package starts a system-wide instance on port 6379; the tests need none of it.
  (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
fi
command -v redis-server >/dev/null && redis-server --version || true

echo "== python3 (test.sh sums the tests' TRX result files with it)"
if ! command -v python3 >/dev/null; then
  apt_install python3-minimal || { echo "eng/setup.sh: could not install python3 (apt-get install -y python3-minimal)" >&2; exit 1; }
fi
python3 --version
