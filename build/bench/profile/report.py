#!/usr/bin/env python3
"""Markdown attribution table from a profile run's work directory (see build/bench/profile.sh)."""
import argparse
import json
import os


def phase(work, name):
    with open(os.path.join(work, "phases.d", name + ".tsv"), encoding="utf-8") as f:
        return json.loads(f.read().split("\t")[1])


def prof_rps(work, host):
    return phase(work, "profile-" + host)["rps"]


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--work", "--engine", "--size", "--duration", "--postgres", "--fsync", "--loadavg", "--command"):
        ap.add_argument(opt, required=True)
    a = ap.parse_args()
    base, api = phase(a.work, "ratio-baseline"), phase(a.work, "ratio-api")
    prof = {}
    for host in ("baseline", "api"):
        with open(os.path.join(a.work, f"profile-{host}.json"), encoding="utf-8") as f:
            prof[host] = json.load(f)
    b = {c["centre"]: c for c in prof["baseline"]["centres"]}
    lines = [
        f"# Profile: GET /patients/{{id}}, {a.engine}, {a.size}",
        "",
        f"Command: `{a.command}`; {a.duration} s phases. Load average {a.loadavg}. PostgreSQL {a.postgres} (fsync {a.fsync}).",
        "",
        f"Untraced ceilings in the same run: baseline {base['rps']:.0f} req/s, API {api['rps']:.0f} req/s, "
        f"**ratio {api['rps'] / base['rps']:.2f}** (API p50 {api['p50']:.2f} ms, p99 {api['p99']:.2f} ms).",
        "",
        f"Traced ceilings: baseline {prof_rps(a.work, 'baseline'):.0f} req/s, API {prof_rps(a.work, 'api'):.0f} req/s "
        f"(ratio {prof_rps(a.work, 'api') / prof_rps(a.work, 'baseline'):.2f}).",
        "",
        "Traced (dotnet-trace sampled thread time, ~100 Hz, waits left out; µs = share × the process's CPU time ÷ requests):",
        "",
        "| cost centre | share of API CPU | API µs/request | baseline µs/request |",
        "|---|---:|---:|---:|",
    ]
    for c in sorted(prof["api"]["centres"], key=lambda c: -c["share"]):
        bc = b.get(c["centre"])
        lines.append(f"| {c['centre']} | {c['share'] * 100:.1f} % | {c['usPerRequest']:.0f} | {bc['usPerRequest']:.0f} |" if bc else
                     f"| {c['centre']} | {c['share'] * 100:.1f} % | {c['usPerRequest']:.0f} | — |")
    pa, pb = prof["api"], prof["baseline"]
    lines.append(f"| **total CPU** | | **{pa['cpuUsPerRequest']:.0f}** | **{pb['cpuUsPerRequest']:.0f}** |")
    lines += ["", "| | API | baseline |", "|---|---:|---:|"]
    for key, label in (("requests", "requests traced"), ("allocBytesPerRequest", "allocated bytes/request"),
                       ("gen0Collections", "gen0 collections"), ("gen1Collections", "gen1 collections"),
                       ("gen2Collections", "gen2 collections"), ("gcPause", "GC pause (counter sum)"),
                       ("idleShareOfSamples", "idle share of samples")):
        lines.append(f"| {label} | {pa.get(key, '—')} | {pb.get(key, '—')} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
