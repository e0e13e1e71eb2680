#!/usr/bin/env bash
# Benchmarks of the IOP Platform API (see build/bench/README.md). Everything runs on 127.0.0.1.
#
#   build/bench/run.sh --smoke                      CI smoke: SQLite, 1k enrollments, ~3 s per load phase
#   build/bench/run.sh --engine postgres --size 10k full run; results in build/bench/results/<engine>-<date>.md
#
# Options:
#   --engine sqlite|postgres   (default sqlite)
#   --size 1k|10k|100k|N       active enrollments (default 1k)
#   --duration SECONDS         length of each load phase (default 20; smoke 3)
#   --rate N                   total req/s of the fixed-rate phase (default 300; smoke 100)
#   --rounds N                 baseline/API ceiling rounds, alternated (default 2; smoke 1)
#   --drift-repetitions N      (default 3; smoke 1)
#   --no-build                 use the existing Release builds
#   --profile                  profile GET /patients/{id} instead of the benchmark (build/bench/profile.sh)
#   --out FILE                 results file (default results/<engine>-<date>[-<size>].md; smoke: results/tmp/)
# Environment:
#   IOP_BENCH_PG   Npgsql connection string of the PostgreSQL server (default: 127.0.0.1:5466, user postgres);
#                  the script creates and drops its own database there. Start one with fsync on:
#                  IOP_PG_PORT=5466 IOP_PG_DURABLE=1 build/postgres.sh start
#
# Exit codes: 0 ok, 1 harness failure (a phase did nothing, errors in the smoke run, a result missing),
#             2 usage, 77 skipped (wrk/hey not available and not installable).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/../.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

orig_args="$*"
engine=sqlite size=1k duration="" rate="" rounds="" drift_reps="" smoke=0 build=1 out="" profile=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --engine) engine="$2"; shift ;;
    --size) size="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --drift-repetitions) drift_reps="$2"; shift ;;
    --no-build) build=0 ;;
    --profile) profile=1 ;;
    --out) out="$2"; shift ;;
    -h | --help) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$size" in
  *k) enrollments=$((${size%k} * 1000)) ;;
  *[!0-9]* | '') echo "run.sh: --size must be 1k, 10k, 100k or a number" >&2; exit 2 ;;
  *) enrollments=$size ;;
esac
case "$engine" in sqlite | postgres) ;; *) echo "run.sh: --engine sqlite|postgres" >&2; exit 2 ;; esac
if [[ "$smoke" == 1 ]]; then
  duration=${duration:-3} rate=${rate:-100} rounds=${rounds:-1} drift_reps=${drift_reps:-1}
else
  duration=${duration:-20} rate=${rate:-300} rounds=${rounds:-2} drift_reps=${drift_reps:-3}
fi

say() { printf '==> bench: %s\n' "$*" >&2; }
fail() { printf 'bench: FAILED: %s\n' "$*" >&2; exit 1; }

# --- load tools --------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1 || ! command -v hey >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing wrk and hey (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hey >/dev/null 2>&1 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hey >/dev/null 2>&1; } || true
  fi
  if ! command -v wrk >/dev/null 2>&1 || ! command -v hey >/dev/null 2>&1; then
    echo "bench: SKIPPED: wrk and hey are needed (apt-get install -y wrk hey) and could not be installed" >&2
    exit 77
  fi
fi

# --- work area ---------------------------------------------------------------------------------
work="$BENCH/results/tmp/run-$engine-$size-$$"
mkdir -p "$work"
api_pid="" base_pid="" pg_db=""
# IOP_BENCH_API_DLL: another build of the API (e.g. a copy of the one before a change) against the same baseline.
api_dll="${IOP_BENCH_API_DLL:-$ROOT/src/IopPlatform.Api/bin/Release/net10.0/IopPlatform.Api.dll}"
bin() { printf '%s/%s/bin/Release/net10.0/%s.dll' "$BENCH" "$1" "$1"; }

cleanup() {
  local pid
  for pid in $api_pid $base_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  api_pid="" base_pid=""
  if [[ -n "$pg_db" ]]; then
    psql "$pg_admin" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [[ "${IOP_BENCH_KEEP:-}" != 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# --- build ---------------------------------------------------------------------------------------
if [[ "$build" == 1 ]]; then
  # Bench.sln's drift harness references the API project, so this one build also builds the API in Release.
  say "building the bench tools and the API (Release)"
  dotnet build "$BENCH/Bench.sln" -c Release --nologo -v quiet >"$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log" >&2; fail "dotnet build of build/bench/Bench.sln"; }
fi
[[ -f "$api_dll" ]] || fail "$api_dll is missing (build without --no-build)"

# --- database ------------------------------------------------------------------------------------
if [[ "$engine" == sqlite ]]; then
  db_engine=Sqlite
  conn="Data Source=$work/iop-bench.db;Pooling=True"
  pg_fsync="n/a"
else
  db_engine=Postgres
  pg_base="${IOP_BENCH_PG:-Host=127.0.0.1;Port=5466;Username=postgres;Password=postgres}"
  pg_host="$(sed -E 's/.*Host=([^;]+).*/\1/I' <<<"$pg_base")"
  pg_port="$(sed -E 's/.*Port=([0-9]+).*/\1/I' <<<"$pg_base")"
  pg_user="$(sed -E 's/.*Username=([^;]+).*/\1/I' <<<"$pg_base")"
  pg_admin="host=$pg_host port=$pg_port user=$pg_user dbname=postgres"
  pg_fsync="$(psql "$pg_admin" -tAc 'SHOW fsync' 2>/dev/null)" || fail "no PostgreSQL at $pg_host:$pg_port (IOP_PG_PORT=$pg_port IOP_PG_DURABLE=1 build/postgres.sh start)"
  pg_version="$(psql "$pg_admin" -tAc 'SHOW server_version')"
  if [[ "$pg_fsync" != on && "$smoke" != 1 ]]; then
    say "WARNING: PostgreSQL runs with fsync=$pg_fsync: these numbers must not be quoted"
  fi
  pg_db="iop_bench_${size}_$$"
  psql "$pg_admin" -q -c "CREATE DATABASE $pg_db" >/dev/null
  conn="$pg_base;Database=$pg_db;Maximum Pool Size=100"
fi

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
say "migrating ($engine)"
Database__Engine=$db_engine ConnectionStrings__Iop="$conn" Logging__LogLevel__Default=Warning \
  dotnet "$api_dll" --migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; fail "API --migrate"; }

say "generating $enrollments active enrollments"
targets="$work/targets"
gen_start=$SECONDS
# No command timeout for the bulk load: at 100k the COPY's completion can wait out a checkpoint (> 30 s on this machine).
gen_conn="$conn"
if [[ "$engine" == postgres ]]; then gen_conn="$conn;Command Timeout=0"; fi
dotnet "$(bin IopPlatform.Bench.DataGen)" generate --engine "$engine" --connection "$gen_conn" --enrollments "$enrollments" \
  --seed 42 --out "$targets" 2> >(tee "$work/datagen.log" >&2) || fail "data generator"
gen_seconds=$((SECONDS - gen_start))

# --- hosts ---------------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
api_port=$(free_port)
base_port=$(free_port)
signing_key="bench-signing-key-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
token="$(dotnet "$(bin IopPlatform.Bench.DataGen)" token --key "$signing_key" --issuer iop-bench)"

say "starting the API on 127.0.0.1:$api_port and the baseline host on 127.0.0.1:$base_port"
env Database__Engine=$db_engine ConnectionStrings__Iop="$conn" Database__MigrateOnStart=false \
  Auth__BootstrapAdminKey="iop_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  Auth__Jwt__SigningKey="$signing_key" Auth__Jwt__Issuer=iop-bench Auth__Jwt__Audience=iop-platform \
  RateLimiting__Enabled=false Hangfire__ServerEnabled=false ASPNETCORE_ENVIRONMENT=Production \
  Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning \
  dotnet "$api_dll" --urls "http://127.0.0.1:$api_port" >"$work/api.log" 2>&1 &
api_pid=$!
env Database__Engine=$db_engine ConnectionStrings__Iop="$conn" ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$(bin IopPlatform.Bench.Baseline)" --urls "http://127.0.0.1:$base_port" >"$work/baseline.log" 2>&1 &
base_pid=$!

wait_up() { # wait_up URL PID NAME
  local _
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { cat "$work/$3.log" >&2; fail "$3 exited at start"; }
    sleep 0.5
  done
  cat "$work/$3.log" >&2
  fail "$3 did not answer $1 within 60 s"
}
wait_up "http://127.0.0.1:$api_port/health/live" "$api_pid" api
wait_up "http://127.0.0.1:$base_port/health" "$base_pid" baseline

# Sanity: every request kind answers 2xx once before any load.
first_patient="$(head -n 1 "$targets/patients.txt")"
first_enrollment="$(head -n 1 "$targets/enrollments.txt")"
first_cm="$(head -n 1 "$targets/case_managers.txt")"
check() { # check NAME EXPECTED CURL-ARGS...
  local name="$1" expected="$2" code
  shift 2
  code="$(curl -sS -o "$work/check-$name.json" -w '%{http_code}' "$@")" || true
  [[ "$code" == "$expected" ]] || { cat "$work/check-$name.json" >&2 || true; echo >&2; fail "$name answered $code, expected $expected"; }
}
auth=(-H "Authorization: Bearer $token")
check baseline-patient 200 "http://127.0.0.1:$base_port/patients/$first_patient"
check patient 200 "${auth[@]}" "http://127.0.0.1:$api_port/api/v1/patients/$first_patient"
check caseload 200 "${auth[@]}" "http://127.0.0.1:$api_port/api/v1/case-managers/$first_cm/caseload"
check weekly-hours 200 "${auth[@]}" "http://127.0.0.1:$api_port/api/v1/enrollments/$first_enrollment/weekly-hours"
check measure 201 "${auth[@]}" -H 'Content-Type: application/json' -X POST \
  -d "{\"instrument\":\"gad7\",\"administeredAt\":\"$(date -u -d '-5 min' +%Y-%m-%dT%H:%M:%SZ)\",\"answers\":[0,1,2,3,0,1,2]}" \
  "http://127.0.0.1:$api_port/api/v1/enrollments/$first_enrollment/measures"
# The alerts inbox is built on another branch: part of the mix only when the API has it.
inbox_code="$(curl -sS -o /dev/null -w '%{http_code}' "${auth[@]}" "http://127.0.0.1:$api_port/api/v1/case-managers/$first_cm/alerts" || true)"
if [[ "$inbox_code" == 200 ]]; then
  mix="patient=30,caseload=10,inbox=10,hours=25,attendance=10,measure=15"
else
  mix="patient=35,caseload=15,hours=25,attendance=10,measure=15"
fi
say "mix: $mix (alerts inbox answered $inbox_code)"

# --- load phases ---------------------------------------------------------------------------------
reset_pool() {
  dotnet "$(bin IopPlatform.Bench.DataGen)" reset-pool --engine "$engine" --connection "$conn" 2>>"$work/datagen.log" || fail "reset-pool"
}
reset_peak() { echo 5 >"/proc/$api_pid/clear_refs" 2>/dev/null || true; }
peak_mb() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
threads=2
connections=16

# run_wrk NAME URL MIX PREFIX TOKEN [RATE CONNECTIONS] -> results line in $work/phases.tsv
run_wrk() {
  local name="$1" url="$2" phase_mix="$3" prefix="$4" tok="$5" phase_rate="${6:-0}" conns="${7:-$connections}" line
  reset_peak
  line="$(BENCH_TARGETS="$targets" BENCH_TOKEN="$tok" BENCH_PREFIX="$prefix" BENCH_MIX="$phase_mix" BENCH_THREADS=$threads \
    BENCH_RATE="$phase_rate" BENCH_CONNECTIONS="$conns" \
    wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 10s -s "$BENCH/load/mixed.lua" "$url" 2>&1 | tee "$work/wrk-$name.log" | grep '^WRKJSON ' || true)"
  [[ -n "$line" ]] || { cat "$work/wrk-$name.log" >&2; fail "wrk phase $name printed no result"; }
  # One file per phase: the fixed-rate phases run concurrently and must not interleave their lines.
  printf '%s\t%s\t%s\n' "$name" "${line#WRKJSON }" "$(peak_mb "$api_pid")" >"$work/phases.d/$name.tsv"
  say "$name: ${line#WRKJSON }"
}

# run_hey NAME QPS CONNECTIONS URL -> same format; percentiles computed from hey's per-request CSV (its summary
# leaves out p99 on short runs).
run_hey() {
  local name="$1" qps="$2" conns="$3" url="$4"
  local per=$(((qps + conns - 1) / conns))
  hey -z "${duration}s" -q "$per" -c "$conns" -t 10 -o csv -H "Authorization: Bearer $token" "$url" >"$work/hey-$name.csv" 2>"$work/hey-$name.err" || true
  python3 "$BENCH/load/report.py" --hey-csv "$work/hey-$name.csv" --name "$name" --duration "$duration" >"$work/phases.d/$name.tsv" \
    || fail "hey phase $name printed no result ($(head -c 300 "$work/hey-$name.err"))"
}

api="http://127.0.0.1:$api_port"
base="http://127.0.0.1:$base_port"
mkdir -p "$work/phases.d"

# 2 s left the API cold on a loaded machine (its first ceiling round at tier-0 JIT: 0.17 vs 0.59 warm, issue 23).
warm=$([[ "$smoke" == 1 ]] && echo 2 || echo 10)
say "warm-up (${warm} s per host)"
(duration=$warm run_wrk warmup-baseline "$base" patient=100 "" "")
(duration=$warm run_wrk warmup-api "$api" "$mix" /api/v1 "$token")
reset_pool
rm -f "$work"/phases.d/warmup-*.tsv
if [[ "$profile" == 1 ]]; then
  source "$BENCH/profile/phases.sh"
  exit 0
fi

for round in $(seq 1 "$rounds"); do
  run_wrk "read-baseline-$round" "$base" patient=100 "" ""
  run_wrk "read-api-$round" "$api" patient=100 /api/v1 "$token"
done
reset_pool
run_wrk mixed-ceiling "$api" "$mix" /api/v1 "$token"
reset_pool

# Fixed rate: GETs from hey -q, POSTs (unique bodies and keys) from wrk with think time, all at once.
say "fixed rate: $rate req/s for ${duration}s"
q_patient=$((rate * 35 / 100)) q_caseload=$((rate * 15 / 100)) q_hours=$((rate * 25 / 100))
q_attendance=$((rate * 10 / 100)) q_measure=$((rate * 15 / 100))
reset_peak
run_hey fixed-patient "$q_patient" 4 "$api/api/v1/patients/$first_patient" &
h1=$!
run_hey fixed-caseload "$q_caseload" 2 "$api/api/v1/case-managers/$first_cm/caseload" &
h2=$!
run_hey fixed-hours "$q_hours" 3 "$api/api/v1/enrollments/$first_enrollment/weekly-hours" &
h3=$!
(run_wrk fixed-attendance "$api" attendance=100 /api/v1 "$token" "$q_attendance" 2) &
w1=$!
(run_wrk fixed-measure "$api" measure=100 /api/v1 "$token" "$q_measure" 2) &
w2=$!
wait "$h1" "$h2" "$h3" "$w1" "$w2" || fail "a fixed-rate load process failed"
fixed_peak="$(peak_mb "$api_pid")"
api_peak_total="$(awk '/^VmPeak:/ { printf "%.0f", $2 / 1024 }' "/proc/$api_pid/status")"

kill "$api_pid" "$base_pid" 2>/dev/null || true
wait "$api_pid" 2>/dev/null || true
wait "$base_pid" 2>/dev/null || true
api_pid="" base_pid=""

# --- drift scan ----------------------------------------------------------------------------------
load_drift="$(cut -d' ' -f1-3 /proc/loadavg)"
say "drift scan: contract and the real drift job vs SQL floor ($drift_reps repetitions)"
Database__Engine=$db_engine ConnectionStrings__Iop="$conn" \
  dotnet "$(bin IopPlatform.Bench.Drift)" --repetitions "$drift_reps" \
    --job "IopPlatform.Engagement.Features.Drift.DriftScanHandler, IopPlatform.Engagement" --method "Handle(DetectDriftCommand)" \
    --count-sql "SELECT COUNT(*) FROM engagement_alert" >"$work/drift.json" 2> >(tee "$work/drift.log" >&2) \
  || { cat "$work/drift.json" >&2; fail "drift harness (a non-zero exit also means the contract and the floor disagreed)"; }

cat "$work"/phases.d/*.tsv >"$work/phases.tsv"

# --- report --------------------------------------------------------------------------------------
date_tag="$(date -u +%Y-%m-%d)"
if [[ -z "$out" ]]; then
  if [[ "$smoke" == 1 ]]; then out="$BENCH/results/tmp/smoke-$engine-$date_tag.md"; else out="$BENCH/results/$engine-$date_tag-$size.md"; fi
fi
mkdir -p "$(dirname "$out")"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
python3 "$BENCH/load/report.py" --phases "$work/phases.tsv" --drift "$work/drift.json" --datagen "$targets/datagen.json" \
  --out "$out" --engine "$engine" --size "$size" --duration "$duration" --rate "$rate" --mix "$mix" --smoke "$smoke" \
  --cores "$(nproc)" --memory "$(free -g | awk '/^Mem:/ { print $2 " GiB" }')" --cpu "$cpu" \
  --dotnet "$(dotnet --version)" --wrk "$(wrk -v 2>&1 | head -n1 | awk '{print $2}')" --hey "$(dpkg-query -W -f='${Version}' hey 2>/dev/null || echo '?')" \
  --postgres "${pg_version:-n/a}" --fsync "$pg_fsync" --fixed-peak "$fixed_peak" --vm-peak "$api_peak_total" --gen-seconds "$gen_seconds" \
  --loadavg "at start $load_start, before the drift scan $load_drift, at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  --command "build/bench/run.sh $orig_args" || fail "report"
say "results: $out"

# --- smoke checks: the harness must have measured something, without errors ------------------------
if [[ "$smoke" == 1 ]]; then
  python3 "$BENCH/load/report.py" --check "$work/phases.tsv" || fail "smoke checks (see above)"
fi
say "done"
