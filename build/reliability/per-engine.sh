#!/usr/bin/env bash
# Runs one driver.py mode once per engine against the Release API: per-engine.sh MODE "ENGINES" [driver args].
# PostgreSQL: the build/postgres.sh cluster on IOP_PG_PORT (default 5433), started when none answers and stopped after.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
mode="$1"
engines="$2"
shift 2
if [[ "${IOP_SKIP_BUILD:-}" != 1 ]]; then
  dotnet build src/IopPlatform.Api -c Release -nologo -v q >/dev/null
fi
rc=0
for engine in $engines; do
  if [[ "$engine" == postgres ]] && ! build/postgres.sh status >/dev/null 2>&1; then
    build/postgres.sh start >/dev/null
    trap 'build/postgres.sh stop >/dev/null 2>&1 || true' EXIT
  fi
  python3 build/reliability/driver.py "$mode" --engine "$engine" "$@" || rc=1
done
exit "$rc"
