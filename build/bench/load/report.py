#!/usr/bin/env python3
"""Turns one bench run (phases.tsv from wrk/hey, drift.json, datagen.json) into results/<engine>-<date>.md,
or with --check PHASES verifies that every phase measured something and saw no error (smoke mode)."""
import argparse
import json
import statistics
import sys
from datetime import datetime, timezone

# Issue 23 (second round): the pipeline ratio per engine, p99 at a fixed 500 req/s, the drift job at 100k.
TARGET_RATIOS = {"postgres": 0.75, "sqlite": 0.5}
TARGET_P99_MS = 25.0
TARGET_RATE = 500
TARGET_RSS_MB = 200
TARGET_DRIFT_RATIO = 2.0
TARGET_DRIFT_SECONDS = {"postgres": 5.0, "sqlite": 15.0}


def load_phases(path):
    """Lines "name<TAB>{json}<TAB>peak-MB". A line that does not parse is reported and fails the run."""
    phases = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[1].startswith("{"):
                continue
            data = json.loads(parts[1])
            data["peak_mb"] = float(parts[2]) if len(parts) > 2 and parts[2] else None
            phases[parts[0]] = data
    return phases


def errors(p):
    return sum(p.get("errors", {}).values())


def check(path):
    phases = load_phases(path)
    problems = []
    if not phases:
        problems.append("no phase results")
    for name, p in phases.items():
        if p["requests"] <= 0:
            problems.append(f"{name}: no request completed")
        if errors(p) > 0:
            problems.append(f"{name}: {errors(p)} errors {p.get('errors')}")
    for name in ("read-baseline-1", "read-api-1", "mixed-ceiling", "fixed-patient", "fixed-attendance", "fixed-measure"):
        if name not in phases:
            problems.append(f"{name}: missing")
    for problem in problems:
        print(f"bench check: {problem}", file=sys.stderr)
    return 1 if problems else 0


def hey_csv(path, name, duration):
    times, bad = [], 0
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.strip().split(",")
            if i == 0 or len(parts) < 7:
                continue
            times.append(float(parts[0]) * 1000)
            if not parts[6].startswith("2"):
                bad += 1
    if not times:
        return 1
    times.sort()

    def pct(q):
        return times[min(len(times) - 1, int(round(q / 100 * len(times) + 0.5)) - 1)]

    seconds = float(duration)
    data = {"requests": len(times), "seconds": seconds, "rps": round(len(times) / seconds, 1), "p50": pct(50), "p90": pct(90),
            "p95": pct(95), "p99": pct(99), "max": times[-1], "errors": {"status": bad}}
    print(f"{name}\t{json.dumps(data)}")
    return 0


def ms(v):
    return f"{v:.1f}" if v is not None else "–"


def verdict(ok):
    return "met" if ok else "**missed**"


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--check")
    a.add_argument("--hey-csv")
    a.add_argument("--name")
    for name in ("phases", "drift", "datagen", "out", "engine", "size", "duration", "rate", "mix", "smoke", "cores", "memory", "cpu",
                 "dotnet", "wrk", "hey", "postgres", "fsync", "fixed-peak", "vm-peak", "gen-seconds", "command", "loadavg"):
        a.add_argument("--" + name)
    args = a.parse_args()
    if args.check:
        return check(args.check)
    if args.hey_csv:
        return hey_csv(args.hey_csv, args.name, args.duration)

    phases = load_phases(args.phases)
    with open(args.drift, encoding="utf-8") as f:
        drift = json.load(f)
    with open(args.datagen, encoding="utf-8") as f:
        gen = json.load(f)
    smoke = args.smoke == "1"
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = []
    w = out.append

    w(f"# Benchmark results — {args.engine}, {int(gen['enrollments']):,} active enrollments{' (SMOKE: not for quoting)' if smoke else ''}")
    w("")
    w(f"Run {now}. **Read the ratios, not the absolute numbers**: this machine is shared with other agents building code while the")
    w("benchmark runs, so absolute throughput and latency are noisy; every result that matters is a ratio against a baseline")
    w("measured in the same run (bare Dapper host for the API pipeline, a hand-written SQL aggregate for the drift scan).")
    w("App, database and load generator all run on the same machine (loopback only).")
    w("")
    w("## Machine and versions")
    w("")
    w(f"- CPU: {args.cpu} — {args.cores} cores; memory {args.memory}")
    if args.loadavg:
        w(f"- Machine load (1/5/15-min load average, /proc/loadavg) — {args.loadavg}: the 2 cores are shared with other agents' builds and tests")
    w(f"- .NET SDK {args.dotnet}; API in Release; wrk {args.wrk}; hey {args.hey}")
    if args.engine == "postgres":
        w(f"- PostgreSQL {args.postgres}, fsync={args.fsync}" + ("" if args.fsync == "on" else " (**fsync off: do not quote**)"))
    else:
        w("- SQLite (Microsoft.Data.Sqlite, WAL, synchronous=NORMAL), file on local disk")
    w(f"- Load phases of {args.duration} s; wrk 2 threads × 16 connections for ceilings; fixed rate {args.rate} req/s")
    w(f"- Command: `{args.command}`")
    w("")
    w("## Data")
    w("")
    w(f"Seed {gen['seed']}, weeks from {gen['firstMonday']}: {gen['groups']:,} groups, {gen['sites']} sites, {gen['caseManagers']:,} case managers.")
    w(f"{gen['totalRows']:,} rows loaded in {gen['loadSeconds']} s ({gen['totalRows'] / max(gen['loadSeconds'], 0.1):,.0f} rows/s, migrations excluded).")
    w("")
    w("| table | rows |")
    w("|---|---:|")
    for table, rows in gen["rows"].items():
        w(f"| {table} | {rows:,} |")
    w("")

    # 1. Pipeline overhead: the same single-row read through the API and through the bare host.
    w("## 1. Pipeline overhead — GET patient vs the bare Dapper host (wrk ceiling)")
    w("")
    w("| round | baseline req/s | API req/s | ratio API/baseline | baseline p50 / p99 ms | API p50 / p99 ms | API errors | API peak RSS MB |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for name in sorted(k for k in phases if k.startswith("read-api-")):
        r = name.rsplit("-", 1)[1]
        b, p = phases.get(f"read-baseline-{r}"), phases[name]
        if not b:
            continue
        ratio = p["rps"] / b["rps"] if b["rps"] else 0
        ratios.append(ratio)
        w(f"| {r} | {b['rps']:,.0f} | {p['rps']:,.0f} | {ratio:.2f} | {ms(b['p50'])} / {ms(b['p99'])} | {ms(p['p50'])} / {ms(p['p99'])} | {errors(p)} | {ms(p['peak_mb'])} |")
    ratio = statistics.median(ratios) if ratios else 0
    w("")
    w(f"Throughput ratio (median of rounds): **{ratio:.2f}** → pipeline overhead {100 * (1 - ratio):.0f}% "
      f"(target ratio ≥ {TARGET_RATIOS.get(args.engine, 0.5)}: {verdict(ratio >= TARGET_RATIOS.get(args.engine, 0.5))}).")
    w("The API side pays JWT validation, authorization, MediatR with validation and audit behaviours (one hash-chained")
    w("audit row written per request), the partner-consent check, ETag, problem-details and observability middleware.")
    w("")

    # 2. Mixed ceiling.
    m = phases.get("mixed-ceiling")
    w("## 2. Mixed workload — ceiling (wrk, as fast as it goes)")
    w("")
    w(f"Mix: `{args.mix}` (weights; POSTs carry unique Idempotency-Keys; bulk attendance records a whole 10-patient roster).")
    w("")
    if m:
        w("| req/s | p50 ms | p90 ms | p95 ms | p99 ms | max ms | errors | API peak RSS MB |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|")
        w(f"| {m['rps']:,.0f} | {ms(m['p50'])} | {ms(m['p90'])} | {ms(m['p95'])} | {ms(m['p99'])} | {ms(m['max'])} | {errors(m)} {m['errors']} | {ms(m['peak_mb'])} |")
        if m.get("poolExhausted"):
            w(f"\nNote: {m['poolExhausted']} attendance requests found the session pool used up and were sent as GET patient instead.")
    w("")

    # 3. Fixed rate.
    w(f"## 3. Mixed workload at a fixed {args.rate} req/s (hey -q for GETs, wrk with think time for POSTs, concurrently)")
    w("")
    w("| endpoint | achieved req/s | p50 ms | p95 ms | p99 ms | errors |")
    w("|---|---:|---:|---:|---:|---:|")
    fixed = {k: v for k, v in phases.items() if k.startswith("fixed-")}
    labels = {"fixed-patient": "GET patient (hey)", "fixed-caseload": "GET caseload (hey)", "fixed-hours": "GET weekly hours (hey)",
              "fixed-attendance": "POST bulk attendance (wrk)", "fixed-measure": "POST measure (wrk)"}
    for name, p in fixed.items():
        w(f"| {labels.get(name, name)} | {p['rps']:,.1f} | {ms(p['p50'])} | {ms(p['p95'])} | {ms(p['p99'])} | {errors(p)} |")
    worst = max((p["p99"] for p in fixed.values()), default=0)
    total_errors = sum(errors(p) for p in fixed.values())
    achieved = sum(p["rps"] for p in fixed.values())
    peak = float(args.fixed_peak or 0)
    w("")
    w(f"Achieved {achieved:,.0f} req/s in total. Worst endpoint p99 {worst:.1f} ms — an upper bound of the mix's p99 "
      f"(target ≤ {TARGET_P99_MS:.0f} ms at {TARGET_RATE} req/s: {verdict(worst <= TARGET_P99_MS and float(args.rate) >= TARGET_RATE)}); "
      f"errors {total_errors} (target 0: {verdict(total_errors == 0)}).")
    w(f"hey -q paces each worker (open loop); the wrk POST streams pace with think time per connection (closed loop), so their "
      f"rate is approximate. GETs from hey repeat one id per endpoint (a hot row); the wrk streams vary ids.")
    w("")
    w(f"API peak RSS (VmHWM) during the fixed-rate phase: **{peak:.0f} MB** (target ≤ {TARGET_RSS_MB} MB: {verdict(0 < peak <= TARGET_RSS_MB)}); "
      f"peak over each ceiling phase is in the tables above (VmHWM reset before every phase).")
    w("")

    # 4. Drift.
    w("## 4. Drift scan — the drift job and its attendance contract vs the SQL floor (in-process, same run)")
    w("")
    win = drift["window"]
    w(f"Window: {win['days']} days ({win['from'][:19]} → {win['to'][:19]} UTC); {drift['repetitions']} repetitions, alternated, median reported.")
    w("")
    floor_s = drift["phases"]["floor"]["medianSeconds"]
    w("| phase | median s | × floor | min / max s | enrollments | rows read by the app | rows scanned by the database | attended sessions | allocated MB | peak RSS MB |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    dash = lambda v: "—" if not v else f"{v:,}"
    for name, p in drift["phases"].items():
        over = f"{p['medianSeconds'] / floor_s:.2f}" if floor_s > 0 else "—"
        db_rows = p.get("DbRowsScanned")
        w(f"| {name} | {p['medianSeconds']:.3f} | {over} | {p['minSeconds']:.3f} / {p['maxSeconds']:.3f} | {dash(p['Enrollments'])} | {dash(p['RowsRead'])} | "
          f"{'n/a' if db_rows is None else f'{db_rows:,}'} | {dash(p['Attended'])} | {p['allocatedMb']} | {p['peakRssMb']} |")
    w("")
    w("Rows scanned by the database: PostgreSQL's pg_stat_user_tables (seq_tup_read + idx_tup_fetch) around the phase; "
      "n/a on SQLite.")
    floor_extra = drift["phases"]["floor"].get("Extra")
    if floor_extra:
        w(f"Floor: {floor_extra}.")
    w(f"Contract / floor: **{drift['contractOverFloor']}×** (informational); same answer: {drift['sameAnswer']}.")
    w("The contract phase is the attendance part of the drift job: Enrollment's active enrollments (GetActiveEnrollmentsQuery, pages of 1,000),")
    w("then Scheduling's one ordered pass over the window (StreamAttendanceHistoryQuery), through MediatR with its behaviours.")
    job = drift["phases"].get("job")
    if job:
        w(f"The job phase is the real drift job (`engagement:detect-drift`: {drift.get('job', 'DriftScanHandler.Handle(DetectDriftCommand)')}), the drift scan "
          "the targets judge: the same pass, then per batch of 1,000 enrollments the drug tests, BAM, care teams, outreach and open alerts, "
          "the rule pack, and one transaction for the batch's new or changed alerts. "
          f"Job / floor: **{drift['jobOverFloor']}×** (median: the daily scan once alerts exist). Alerts per repetition: "
          f"{'; '.join(str(e) for e in job.get('extras', []))} (the first repetition raises them, in {job['maxSeconds']:.2f} s; later ones find "
          "the open alerts unchanged and write nothing).")
    w("")
    w("## Targets")
    w("")
    w("| target | result | |")
    w("|---|---|---|")
    w(f"| pipeline throughput ratio ≥ {TARGET_RATIOS.get(args.engine, 0.5)} | {ratio:.2f} | {verdict(ratio >= TARGET_RATIOS.get(args.engine, 0.5))} |")
    w(f"| p99 ≤ {TARGET_P99_MS:.0f} ms at {TARGET_RATE} req/s, 0 errors | worst p99 {worst:.1f} ms at {args.rate} req/s, {total_errors} errors | "
      f"{verdict(worst <= TARGET_P99_MS and total_errors == 0 and float(args.rate) >= TARGET_RATE)} |")
    w(f"| API RSS ≤ {TARGET_RSS_MB} MB under load | {peak:.0f} MB | {verdict(0 < peak <= TARGET_RSS_MB)} |")
    if job:
        # The issue sets the drift targets for 100k enrollments; at smaller sizes the job's fixed costs (rule pack,
        # program lookups, one batch) weigh against a floor of a few hundred milliseconds: reported, not judged.
        judged = str(args.size) == "100k"
        w(f"| drift scan (the job) ≤ {TARGET_DRIFT_RATIO}× the SQL floor{'' if judged else ' (target set for 100k; informational here)'} | "
          f"{drift['jobOverFloor']}× ({job['medianSeconds']:.2f} s vs {floor_s:.2f} s) | {verdict(drift['jobOverFloor'] <= TARGET_DRIFT_RATIO) if judged else ''} |")
        if str(args.size) == "100k":
            limit = TARGET_DRIFT_SECONDS.get(args.engine, TARGET_DRIFT_SECONDS["sqlite"])
            w(f"| drift scan of 100k ≤ {limit:.0f} s on {args.engine} | {job['medianSeconds']:.2f} s (first run, raising the alerts: {job['maxSeconds']:.2f} s) | "
              f"{verdict(job['medianSeconds'] <= limit)} |")
    w("")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
