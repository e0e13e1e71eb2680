#!/usr/bin/env bash
# Checks Swagger UI in headless Chromium against the BUILT API (this script builds nothing): starts
# src/IopPlatform.Api/bin/<Config>/net10.0/IopPlatform.Api.dll with a throwaway SQLite database and a bootstrap
# admin key, then runs swagger-ui.mjs (tags listed, Authorize with the key, Try it out -> 200) and leaves
# build/out/swagger-ui.png.
#
# Needs Debian's chromium (/usr/bin/chromium): installed with apt-get when missing and CI=true or
# IOP_INSTALL_CHROMIUM=1. playwright-core comes from npm (package-lock.json); no browser is ever downloaded.
# Environment: IOP_TEST_CONFIGURATION (default Release), CHROMIUM (default /usr/bin/chromium).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

say() { printf '==> %s\n' "$*"; }

if [[ ! -x "$CHROMIUM" ]]; then
  if [[ "${CI:-}" == true || "${IOP_INSTALL_CHROMIUM:-}" == 1 ]] && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "Chromium not found: installing Debian's chromium package"
    export DEBIAN_FRONTEND=noninteractive
    # The lock timeout: build/postgres.sh may be installing PostgreSQL at the same moment.
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "swagger-ui.sh: $CHROMIUM not found (apt-get install chromium, or set CI=true / IOP_INSTALL_CHROMIUM=1 as root)" >&2
    exit 3
  fi
fi

lock_hash="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [[ "$(cat "$HERE/node_modules/.iop-lock-hash" 2>/dev/null || true)" != "$lock_hash" ]]; then
  say "npm ci (build/browser)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_hash" >"$HERE/node_modules/.iop-lock-hash"
fi

# shellcheck source=build/lib/api-host.sh
source "$ROOT/build/lib/api-host.sh"
trap api_stop EXIT
say "starting the built API for Swagger UI in Chromium ($("$CHROMIUM" --version 2>/dev/null || echo chromium))"
api_start
API_URL="$API_URL" API_KEY="$API_ADMIN_KEY" OUT_DIR="$ROOT/build/out" node "$HERE/swagger-ui.mjs"
