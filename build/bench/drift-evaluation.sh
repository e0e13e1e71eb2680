#!/usr/bin/env bash
# The drift rule pack measured on a labelled synthetic cohort (DOMAIN.md §7 quality targets), full size:
# tests/IopPlatform.DriftEvaluation.Tests run with a larger cohort, through the real API and jobs, walking the
# host's clock day by day. See build/bench/README.md ("Drift rules on a labelled cohort").
#
#   build/bench/drift-evaluation.sh                          SQLite and PostgreSQL, 84 patients, 10 weeks
#   build/bench/drift-evaluation.sh --engine sqlite --patients 120 --weeks 12
#
# Options:
#   --engine sqlite|postgres|both   (default both; postgres needs IOP_TEST_POSTGRES)
#   --patients N --weeks N --seed N (default 84, 10, 16)
#   --no-build                      use the existing Release build of the test project
#   --out FILE                      (default results/drift-evaluation-<date>-<N>p-<W>w.md)
# Environment:
#   IOP_TEST_POSTGRES   Npgsql connection string of a PostgreSQL server; each run creates and drops its own database.
#
# Targets are reported, never enforced here (the results file says met / missed per figure; the CI version with a
# small cohort enforces them all, unless IOP_DRIFT_TARGETS=report).
# Exit codes: 0 the run completed and the results file is written, 1 a run failed, 2 usage.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/../.." && pwd)"
PROJECT="$ROOT/tests/IopPlatform.DriftEvaluation.Tests"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

orig_args="$*"
engines="sqlite postgres" patients=84 weeks=10 seed=16 build=1 out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --engine) case "$2" in both) engines="sqlite postgres" ;; sqlite|postgres) engines="$2" ;; *) echo "unknown engine: $2" >&2; exit 2 ;; esac; shift ;;
    --patients) patients="$2"; shift ;;
    --weeks) weeks="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ " $engines " == *" postgres "* && -z "${IOP_TEST_POSTGRES:-}" ]]; then
  echo "drift-evaluation.sh: PostgreSQL needs IOP_TEST_POSTGRES (or run --engine sqlite)" >&2
  exit 2
fi

date_tag="$(date -u +%Y-%m-%d)"
out="${out:-$BENCH/results/drift-evaluation-$date_tag-${patients}p-${weeks}w.md}"
work="$(mktemp -d -t iop-drift-eval.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [[ "$build" == 1 ]]; then
  echo "==> dotnet build $PROJECT -c Release"
  dotnet build "$PROJECT" -c Release --nologo -v quiet 2>&1 | grep -E "error|Elapsed" || true
fi

export IOP_DRIFT_TARGETS=report IOP_DRIFT_EVAL_SEED="$seed" IOP_DRIFT_EVAL_PATIENTS="$patients" IOP_DRIFT_EVAL_WEEKS="$weeks" IOP_DRIFT_EVAL_REPORT="$work"
for engine in $engines; do
  class="IopPlatform.DriftEvaluation.Tests.DriftEvaluation${engine^}Tests"
  echo "==> $engine: $patients patients, $weeks weeks (seed $seed)"
  started=$SECONDS
  if ! IOP_REQUIRE_ENGINES="$engine" dotnet test "$PROJECT" -c Release --no-build -- --filter-class "$class" --output detailed >"$work/$engine.log" 2>&1; then
    grep -E "failed |Exception|answered" "$work/$engine.log" | head -20 >&2
    echo "drift-evaluation.sh: the $engine run failed (log above)" >&2
    exit 1
  fi
  if ! ls "$work"/drift-evaluation-"$engine"-*.md >/dev/null 2>&1; then
    echo "drift-evaluation.sh: the $engine run wrote no result (log: kept below)" >&2
    tail -40 "$work/$engine.log" >&2
    exit 1
  fi
  grep -hE '\| (met|\*\*missed\*\*) \|$' "$work"/drift-evaluation-"$engine"-*.md | cut -d'|' -f2,3,5 | sed 's/^/    /' || true
  echo "    ($((SECONDS - started)) s)"
done

{
  echo "# Drift rules on a labelled cohort — $date_tag"
  echo
  echo "Command: \`build/bench/drift-evaluation.sh $orig_args\`; commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src tests || echo " with uncommitted changes") ($(git -C "$ROOT" log -1 --format=%s | cut -c1-100))."
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /')."
  echo "Definitions: tests/IopPlatform.DriftEvaluation.Tests/CohortEvaluation.cs; cohort and trajectories: Cohort.cs."
  echo
  for engine in $engines; do
    cat "$work"/drift-evaluation-"$engine"-*.md
    echo
  done
} >"$out"
echo "==> results: ${out#"$ROOT"/}"
