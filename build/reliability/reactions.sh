#!/usr/bin/env bash
# Durable reactions under kill -9: an admission, a PHQ-9 with item 9 > 0, a signed note with a webhook subscription
# and a discharge with open alerts, each followed by SIGKILL of the API right after its 2xx; after a restart the
# booking, the safety alert (with alert.raised), the note.signed delivery and the alert closure happen exactly once.
#
#   build/reliability/reactions.sh
#
# PostgreSQL: the build/postgres.sh cluster on IOP_PG_PORT (default 5433), started when none answers; a throwaway
# database is created and dropped. IOP_REACTION_ENGINES=sqlite limits the engines. Loopback only; ends by itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [[ "${IOP_SKIP_BUILD:-}" != 1 ]]; then
  dotnet build src/IopPlatform.Api -c Release -nologo -v q >/dev/null
fi
rc=0
for engine in ${IOP_REACTION_ENGINES:-sqlite postgres}; do
  if [[ "$engine" == postgres ]] && ! build/postgres.sh status >/dev/null 2>&1; then
    build/postgres.sh start >/dev/null
    trap 'build/postgres.sh stop >/dev/null 2>&1 || true' EXIT
  fi
  python3 build/reliability/driver.py reactions --engine "$engine" "$@" || rc=1
done
exit "$rc"
