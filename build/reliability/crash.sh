#!/usr/bin/env bash
# Crash durability: the API as a real process on SQLite and on PostgreSQL, killed with SIGKILL at random moments
# (>= 5 times per engine) while writers run; afterwards every acknowledged write must be there, nothing half-written,
# SQLite's integrity check ok.
#
#   build/reliability/crash.sh [--kills N] [--seed S]
#
# PostgreSQL: the build/postgres.sh cluster on IOP_PG_PORT (default 5433), started when none answers; a throwaway
# database is created and dropped. IOP_CRASH_ENGINES=sqlite limits the engines. Loopback only; ends by itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [[ "${IOP_SKIP_BUILD:-}" != 1 ]]; then
  dotnet build src/IopPlatform.Api -c Release -nologo -v q >/dev/null
fi
rc=0
for engine in ${IOP_CRASH_ENGINES:-sqlite postgres}; do
  if [[ "$engine" == postgres ]] && ! build/postgres.sh status >/dev/null 2>&1; then
    build/postgres.sh start >/dev/null
    trap 'build/postgres.sh stop >/dev/null 2>&1 || true' EXIT
  fi
  python3 build/reliability/driver.py crash --engine "$engine" "$@" || rc=1
done
exit "$rc"
