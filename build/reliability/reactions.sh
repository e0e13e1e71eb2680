#!/usr/bin/env bash
# Durable reactions under kill -9: an admission, a PHQ-9 with item 9 > 0, a signed note with a webhook subscription
# and a discharge with open alerts, each followed by SIGKILL of the API right after its 2xx; after a restart the
# booking, the safety alert (with alert.raised), the note.signed delivery and the alert closure happen exactly once.
#
#   build/reliability/reactions.sh [--wait 180]
#
# PostgreSQL: the build/postgres.sh cluster on IOP_PG_PORT (default 5433), started when none answers; a throwaway
# database is created and dropped. IOP_REACTION_ENGINES=sqlite limits the engines. Loopback only; ends by itself.
exec "$(dirname "${BASH_SOURCE[0]}")/per-engine.sh" reactions "${IOP_REACTION_ENGINES:-sqlite postgres}" "$@"
