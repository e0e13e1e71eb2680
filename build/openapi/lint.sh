#!/usr/bin/env bash
# Lints the OpenAPI document of the BUILT API (this script builds nothing):
#   1. starts src/IopPlatform.Api/bin/<Config>/net10.0/IopPlatform.Api.dll on a free loopback port with a
#      throwaway SQLite database, saves /swagger/v1/swagger.json as build/out/openapi/swagger.json, stops it;
#   2. runs Spectral (spectral:oas + the OWASP API security ruleset, .spectral.yaml) and Redocly
#      (recommended, redocly.yaml) over it.
# Fails on any error of either linter; prints the warning counts per rule (the remaining ones are
# explained in README.md, "OpenAPI lint warnings").
#
#   build/openapi/lint.sh [path/to/swagger.json]   (a given file skips starting the API)
#
# Environment: IOP_TEST_CONFIGURATION (default Release). The linters come from npm (package-lock.json),
# installed by `npm ci` into build/openapi/node_modules when missing or stale.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/build/out/openapi"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false DO_NOT_TRACK=1
export NO_UPDATE_NOTIFIER=1 NODE_NO_WARNINGS=1

say() { printf '==> %s\n' "$*"; }

# --- linters -------------------------------------------------------------------------------------
lock_hash="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [[ "$(cat "$HERE/node_modules/.iop-lock-hash" 2>/dev/null || true)" != "$lock_hash" ]]; then
  say "npm ci (build/openapi)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_hash" >"$HERE/node_modules/.iop-lock-hash"
fi

# --- document -----------------------------------------------------------------------------------
mkdir -p "$OUT"
DOC="$OUT/swagger.json"
if [[ $# -gt 0 ]]; then
  cp "$1" "$DOC"
else
  # shellcheck source=build/lib/api-host.sh
  source "$ROOT/build/lib/api-host.sh"
  trap api_stop EXIT
  say "starting the built API to fetch its OpenAPI document"
  api_start
  curl -fsS "$API_URL/swagger/v1/swagger.json" -o "$DOC"
  api_stop
  trap - EXIT
fi
say "OpenAPI document: ${DOC#"$ROOT/"} ($(wc -c <"$DOC") bytes)"

# --- lint ---------------------------------------------------------------------------------------
rc=0
say "Spectral (spectral:oas + OWASP API security)"
spectral_rc=0
(cd "$HERE" && node_modules/.bin/spectral lint "$DOC" --ruleset .spectral.yaml --format json --output "$OUT/spectral.json" --quiet) || spectral_rc=$?
if [[ ! -s "$OUT/spectral.json" ]]; then
  echo "lint.sh: Spectral produced no report (exit $spectral_rc)" >&2
  exit 1
fi
summary="$(node "$HERE/summarize-spectral.mjs" "$OUT/spectral.json")"
sed '$d' <<<"$summary"
read -r s_errors s_warnings < <(tail -n 1 <<<"$summary")
echo "    Spectral: $s_errors errors, $s_warnings warnings (report: ${OUT#"$ROOT/"}/spectral.json)"
[[ "$s_errors" == 0 ]] || rc=1

say "Redocly (recommended)"
redocly_rc=0
(cd "$HERE" && node_modules/.bin/redocly lint "$DOC" --config redocly.yaml --format json >"$OUT/redocly.json" 2>"$OUT/redocly.log") || redocly_rc=$?
if ! summary="$(node "$HERE/summarize-redocly.mjs" "$OUT/redocly.json" 2>&1)"; then
  echo "lint.sh: Redocly produced no report (exit $redocly_rc):" >&2
  sed 's/^/    /' "$OUT/redocly.log" >&2
  exit 1
fi
sed '$d' <<<"$summary"
read -r r_errors r_warnings < <(tail -n 1 <<<"$summary")
echo "    Redocly: $r_errors errors, $r_warnings warnings (report: ${OUT#"$ROOT/"}/redocly.json)"
[[ "$r_errors" == 0 ]] || rc=1

if [[ "$rc" == 0 ]]; then
  say "OpenAPI lint passed: 0 errors (Spectral $s_warnings warnings, Redocly $r_warnings warnings)"
else
  say "OpenAPI lint FAILED: Spectral $s_errors errors, Redocly $r_errors errors"
fi
exit "$rc"
