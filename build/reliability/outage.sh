#!/usr/bin/env bash
# Database outage: the API on its own PostgreSQL cluster (IOP_PG_PORT, default 5455 — never the shared 5433 one);
# the cluster is stopped while the API runs: requests must answer 503 ProblemDetails within the bound (connection
# string Timeout=3;Command Timeout=5) and /health/ready must be unhealthy; the cluster is started again and the API
# must recover without a restart.
#
#   build/reliability/outage.sh [--requests N] [--bound SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export IOP_PG_PORT="${IOP_PG_PORT:-5455}"
if [[ "${IOP_SKIP_BUILD:-}" != 1 ]]; then
  dotnet build src/IopPlatform.Api -c Release -nologo -v q >/dev/null
fi
exec python3 build/reliability/driver.py outage "$@"
