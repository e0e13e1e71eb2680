#!/usr/bin/env python3
"""Attributes a dotnet-trace sampled-thread-time profile (speedscope JSON) to the API's cost centres.

    attribute.py --speedscope api.speedscope.json --cpu-seconds 12.3 --requests 98765 [--counters api.csv] [--name api]

Every sampled stack goes to the first cost centre (in the order of CENTRES) one of whose patterns matches one of its
frames; stacks whose leaf frames wait (thread pool idle, socket poll, timers) are idle and left out of the shares.
µs/request = share of the non-idle samples × the process's CPU time (utime+stime over the phase) ÷ requests.
Prints one JSON object: {name, requests, cpuUsPerRequest, allocBytesPerRequest, gen0, gen1, gen2, gcPausePercent, centres: [...]}.
"""
import argparse
import csv
import json
import re
import sys

# Sampled thread time samples blocked threads too. A stack is idle when the thread waits: its leaf-most frames are a
# wait, or it is in native code (UNMANAGED_CODE_TIME) right under a frame that only ever blocks there.
IDLE = re.compile(r"LowLevelLifoSemaphore|WaitForSocketEvents|SocketAsyncEngine\.EventLoop|Monitor\.Wait|WaitHandle\.Wait|"
                  r"Thread\.Sleep|WaitOneCore|WaitCore|PortableThreadPool\+GateThread|TimerQueue\.TimerThread|"
                  r"ManualResetEventSlim\.Wait|SemaphoreSlim\.Wait|Task\.SpinThenBlockingWait|FileSystemWatcher|"
                  r"EventPipe|DiagnosticServer|ConsoleStream|WaitForSignal|SignalHandlerLoop")
BLOCKS_IN_NATIVE = re.compile(r"WorkerThreadStart|ThreadPoolWorkQueue\.Dispatch|Thread\.StartCallback|TimerQueue")

# (name, pattern) in priority order: the first that matches any frame of a stack owns it.
CENTRES = [
    ("audit writer (background batch: chain, hash, insert)", r"AuditTrailWriterService|AuditChainStore|AuditHash|AuditCheckpoints"),
    ("consent door (DiscloseRecords)", r"DiscloseRecords|Consent"),
    ("patient query (open, statement, mapping)", r"PatientStore|GetPatientHandler|Bench\.Baseline\.Program"),
    ("audit behaviour (entry per request)", r"AuditBehavior.*\.Record\(|AuditTrailWriter\.Enqueue|AuditResources"),
    ("JWT validation", r"JsonWebToken|JwtBearer|IdentityModel\.Tokens"),
    # The middlewares wrap the whole request when it runs synchronously: only their own work counts here.
    ("authentication/caller (API keys, claims)", r"AuthenticationHandler|AuthenticationService|PolicySchemeHandler|CurrentCaller|ApiKey|ClaimsPrincipal|ClaimsIdentity"),
    ("authorization", r"AuthorizationService|AuthorizationHandler|PolicyEvaluator|AuthorizationPolicy|RoleProblem|RolesAuthorization"),
    ("MediatR + behaviours", r"MediatR|ValidationBehavior|LoggingBehavior|Behavior`2"),
    ("JSON", r"System\.Text\.Json"),
    ("OpenTelemetry / diagnostics", r"OpenTelemetry|System\.Diagnostics\.(Activity|Metrics|DiagnosticListener)"),
    ("DI", r"Microsoft\.Extensions\.DependencyInjection|ServiceProvider"),
    ("routing + endpoint middleware", r"Routing|RequestDelegateFactory|Http\.Generated|EndpointMiddleware"),
    ("Kestrel and sockets", r"Kestrel|System\.Net\.Sockets|System\.IO\.Pipelines"),
    ("database driver outside a request (pool, other)", r"Npgsql|Sqlite|SQLitePCL|Dapper"),
    ("thread pool (dispatch, spinning, wake-ups)", r"PortableThreadPool|ThreadPoolWorkQueue|TimerQueue"),
]
COMPILED = [(n, re.compile(p)) for n, p in CENTRES]


def classify(frames):
    leaf = frames[-4:]
    if any(IDLE.search(f) for f in leaf):
        return None
    if frames[-1] == "UNMANAGED_CODE_TIME" and len(frames) > 1 and BLOCKS_IN_NATIVE.search(frames[-2]):
        return None
    for name, pattern in COMPILED:
        if any(pattern.search(f) for f in frames):
            return name
    return "other"


def samples(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    names = [fr["name"] for fr in doc["shared"]["frames"]]
    totals = {}
    cache = {}
    for profile in doc["profiles"]:
        stack = []
        last = None
        for ev in profile.get("events", []):
            at = ev["at"]
            if stack and last is not None and at > last:
                key = tuple(stack)
                if key not in cache:
                    cache[key] = classify([names[i] for i in key])
                totals[cache[key]] = totals.get(cache[key], 0.0) + (at - last)
            last = at
            if ev["type"] == "O":
                stack.append(ev["frame"])
            elif stack:
                stack.pop()
    return totals


def counters(path):
    """dotnet-counters CSV: first and last value of the cumulative counters, mean of the rates."""
    out = {}
    if not path:
        return out
    rows = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row.get("Counter Name", "")
            try:
                value = float(row.get("Mean/Increment", "nan"))
            except ValueError:
                continue
            rows.setdefault(name, []).append(value)
    for name, values in rows.items():
        out[name] = values
    return out


def pick(c, *needles):
    for name, values in c.items():
        if all(n in name for n in needles):
            return values
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--speedscope", required=True)
    ap.add_argument("--cpu-seconds", type=float, required=True)
    ap.add_argument("--requests", type=int, required=True)
    ap.add_argument("--counters")
    ap.add_argument("--name", default="api")
    a = ap.parse_args()
    totals = samples(a.speedscope)
    busy = sum(v for k, v in totals.items() if k is not None)
    us_per_request = a.cpu_seconds * 1e6 / max(a.requests, 1)
    centres = []
    for name, _ in CENTRES + [("other", "")]:
        share = totals.get(name, 0.0) / busy if busy else 0.0
        if share > 0:
            centres.append({"centre": name, "share": round(share, 4), "usPerRequest": round(share * us_per_request, 1)})
    c = counters(a.counters)
    result = {"name": a.name, "requests": a.requests, "cpuSeconds": a.cpu_seconds, "cpuUsPerRequest": round(us_per_request, 1),
              "idleShareOfSamples": round(totals.get(None, 0.0) / max(sum(totals.values()), 1e-9), 3), "centres": centres}
    alloc = pick(c, "total_allocated") or pick(c, "Allocation Rate") or pick(c, "alloc")
    if alloc:
        # Cumulative counters are reported as increments per interval; sum them over the phase.
        result["allocBytesPerRequest"] = round(sum(alloc) / max(a.requests, 1))
    for gen in ("0", "1", "2"):
        values = pick(c, "collections", "gen" + gen) or pick(c, "Gen " + gen + " GC Count")
        if values:
            result["gen" + gen + "Collections"] = round(sum(values))
    pause = pick(c, "pause") or pick(c, "Time in GC")
    if pause:
        result["gcPause"] = round(sum(pause), 3)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
