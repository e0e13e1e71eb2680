#!/usr/bin/env bash
# CPU and allocation profile of GET /api/v1/patients/{id} against the bare-Dapper baseline, in one run:
#   build/bench/profile.sh --engine sqlite --size 1k [--duration 20] [--no-build]
# Same setup as run.sh (fresh database, generated data, both hosts); then an untraced ceiling pair for the ratio and
# each host under dotnet-trace + dotnet-counters (NuGet tools: dotnet tool install -g dotnet-trace dotnet-counters).
# Writes results/profile-<engine>-<date>-<size>.md: µs of CPU per request by cost centre, allocation per request, GCs.
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" --profile "$@"
