#!/usr/bin/env bash
# Crash durability: the API as a real process on SQLite and on PostgreSQL, killed with SIGKILL at random moments
# (>= 5 times per engine) while writers run; afterwards every acknowledged write must be there, nothing half-written,
# SQLite's integrity check ok.
#
#   build/reliability/crash.sh [--kills N] [--seed S]
#
# PostgreSQL: the build/postgres.sh cluster on IOP_PG_PORT (default 5433), started when none answers; a throwaway
# database is created and dropped. IOP_CRASH_ENGINES=sqlite limits the engines. Loopback only; ends by itself.
exec "$(dirname "${BASH_SOURCE[0]}")/per-engine.sh" crash "${IOP_CRASH_ENGINES:-sqlite postgres}" "$@"
