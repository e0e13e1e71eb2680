#!/usr/bin/env python3
"""Heavy reliability checks against the API running as a real process (loopback only).

  driver.py crash  --engine sqlite|postgres [--kills N] [--seed S]
  driver.py outage [--requests N]
  driver.py reactions --engine sqlite|postgres

crash:  writers create sites, programs, patients and enrollments and remember every 2xx; the API is killed with
        SIGKILL at random moments (at least --kills times) and restarted; at the end every acknowledged write must be
        readable, nothing may be half-written, and SQLite's integrity check must say ok.
outage: the API runs on its own PostgreSQL cluster (IOP_PG_PORT, default 5455); the cluster is stopped: requests must
        fail fast with 503 ProblemDetails and /health/ready must be unhealthy; the cluster is started again: the API
        must recover without a restart.
reactions: four changes whose effects cross a module border (an admission, a PHQ-9 with item 9 > 0, a signed note
        with a partner subscribed to note.signed, a discharge with open alerts) are each followed by kill -9 of the
        API right after the 2xx, in a process that delivers nothing itself (inline delivery off, no job server), so the
        kill always lands between the commit and the effect; after a normal restart the booking, the safety alert with
        its alert.raised event, the note.signed delivery and the alert closure must each happen exactly once, and stay
        once over further job runs.
Every loop is bounded; the script ends by itself. Exit code 0 only when every check passed.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DLL = os.environ.get("IOP_API_DLL", os.path.join(ROOT, "src/IopPlatform.Api/bin/Release/net10.0/IopPlatform.Api.dll"))
PG_SCRIPT = os.path.join(ROOT, "build/postgres.sh")
ADMIN_KEY = "iop_reliability-bootstrap-admin-key-0123456789"
PSQL = os.environ.get("IOP_PSQL", "psql")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def http(base, method, path, body=None, headers=None, timeout=10.0):
    """(status, parsed body or text, content type, seconds). Status 0 when the connection failed.
    Health probes go without credentials, as an orchestrator's would."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if not path.startswith("/health") and not {"Authorization", "X-Api-Key"} & set(headers or {}):
        request.add_header("X-Api-Key", ADMIN_KEY)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, raw, ctype = error.code, error.read(), error.headers.get("Content-Type", "")
    except Exception as error:  # connection refused/reset, timeout: the process is gone or going
        return 0, str(error), "", time.monotonic() - started
    elapsed = time.monotonic() - started
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, parsed, ctype, elapsed


class Api:
    def __init__(self, engine, connection_string, port, log_path):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process = None
        self.env = dict(os.environ)
        self.env.update({
            "Database__Engine": engine,
            "ConnectionStrings__Iop": connection_string,
            "Auth__BootstrapAdminKey": ADMIN_KEY,
            "Auth__Jwt__SigningKey": "iop-reliability-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "RateLimiting__Enabled": "false",
            "Database__MigrateOnStart": "true",
            "ASPNETCORE_ENVIRONMENT": "Production",
            "DOTNET_NOLOGO": "1",
        })

    def start(self, ready_within=None):
        # A loaded machine starts the API slowly: IOP_READY_WITHIN raises the bound (seconds, default 60).
        ready_within = ready_within or float(os.environ.get("IOP_READY_WITHIN", "60"))
        out = open(self.log_path, "a")
        self.process = subprocess.Popen(["dotnet", DLL, "--urls", self.base], env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"API exited with {self.process.returncode}; see {self.log_path}")
            status, _, _, _ = http(self.base, "GET", "/health/ready", timeout=min(10, ready_within / 6))
            if status == 200:
                return
            time.sleep(0.25)
        raise RuntimeError(f"API not ready within {ready_within}s; see {self.log_path}")

    def kill9(self):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()


# ---- crash -------------------------------------------------------------------------------------------------------

def writer(base, acked, lock, stop, rng):
    """Creates a chain site → program → patient → enrollment, again and again, recording every 2xx."""
    while not stop.is_set():
        def create(kind, path, body):
            if stop.is_set():
                return None
            status, parsed, _, _ = http(base, "POST", path, body, {"Idempotency-Key": str(uuid.uuid4())}, timeout=10)
            if 200 <= status < 300:
                with lock:
                    acked.append((kind, parsed["id"]))
                return parsed["id"]
            if status >= 500:
                with lock:
                    acked.append(("5xx", f"{path} {status}"))
            return None

        site = create("sites", "/api/v1/sites", {"name": f"Crash site {rng.randrange(10**6)}", "timeZone": "America/Chicago"})
        if not site:
            time.sleep(0.05)
            continue
        program = create("programs", "/api/v1/programs", {"siteId": site, "name": "Crash IOP", "levelOfCare": "asam-3:2.1"})
        patient = create("patients", "/api/v1/patients", {
            "mrn": f"C-{uuid.uuid4().hex[:16]}", "externalIds": [{"system": "crash", "value": uuid.uuid4().hex}],
            "givenName": "Casey", "familyName": "Crash", "dateOfBirth": "1980-01-01", "sexAtBirth": "unknown", "preferredLanguage": "en"})
        if program and patient:
            create("enrollments", "/api/v1/enrollments", {"patientId": patient, "programId": program, "referralDate": "2026-02-16", "referredByClinician": "Dr. Crash"})


HALF_WRITTEN = {
    "enrollment without its status history":
        "SELECT COUNT(*) FROM enrollment_enrollment e WHERE NOT EXISTS (SELECT 1 FROM enrollment_status_history h WHERE h.enrollment_id = e.id)",
    "program without its site":
        "SELECT COUNT(*) FROM enrollment_program p WHERE NOT EXISTS (SELECT 1 FROM enrollment_site s WHERE s.id = p.site_id)",
    "patient without its external id":
        "SELECT COUNT(*) FROM enrollment_patient p WHERE p.mrn LIKE 'C-%' AND NOT EXISTS (SELECT 1 FROM enrollment_patient_identifier i WHERE i.patient_id = p.id)",
}


def fresh_database(engine_arg, work, name):
    """An empty database for one run: (connection string, engine, SQLite path, PostgreSQL port, PostgreSQL database)."""
    if engine_arg == "sqlite":
        path = os.path.join(work, f"{name}.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return f"Data Source={path}", "Sqlite", path, None, None
    pg_port = os.environ.get("IOP_PG_PORT", "5433")
    database = f"iop_{name}_{uuid.uuid4().hex[:8]}"
    subprocess.run([PSQL, "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", "postgres", "-qc", f'CREATE DATABASE "{database}"'], check=True)
    return f"Host=127.0.0.1;Port={pg_port};Username=postgres;Password=postgres;Database={database}", "Postgres", None, pg_port, database


def crash(args):
    rng = random.Random(args.seed)
    work = f"/tmp/iop-reliability-crash-{args.engine}"
    os.makedirs(work, exist_ok=True)
    port = args.port or (5391 if args.engine == "sqlite" else 5392)
    cs, engine, path, pg_port, database = fresh_database(args.engine, work, "crash")
    api = Api(engine, cs, port, os.path.join(work, "api.log"))
    acked, lock = [], threading.Lock()
    kills = 0
    try:
        for round_ in range(args.kills):
            api.start()
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(api.base, acked, lock, stop, random.Random(rng.random())), daemon=True) for _ in range(args.writers)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.8, 3.5))
            api.kill9()
            kills += 1
            stop.set()
            for t in threads:
                t.join(timeout=15)
            log(f"{engine}: kill {kills}/{args.kills} after {len(acked)} acknowledged writes")
        # The acknowledged ids are looked up in the database itself: the API hides patients from API-key callers
        # without a disclosure consent (the bootstrap admin is one), and the rows are what must survive anyway.
        api.start()
        api.stop()
        tables = {"sites": "enrollment_site", "programs": "enrollment_program", "patients": "enrollment_patient", "enrollments": "enrollment_enrollment"}
        server_errors = [a for a in acked if a[0] == "5xx"]
        writes = [a for a in acked if a[0] != "5xx"]
        half = {}
        stored = {}
        if engine == "Sqlite":
            db = sqlite3.connect(path)
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            fk = db.execute("PRAGMA foreign_key_check").fetchall()
            for kind, table in tables.items():
                stored[kind] = {str(r[0]).lower() for r in db.execute(f"SELECT id FROM {table}")}
            for name, sql in HALF_WRITTEN.items():
                half[name] = db.execute(sql).fetchone()[0]
            db.close()
        else:
            integrity, fk = "n/a (PostgreSQL)", []

            def scalar_rows(sql):
                out = subprocess.run([PSQL, "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", database, "-tAc", sql], check=True, capture_output=True, text=True)
                return [line.strip() for line in out.stdout.splitlines() if line.strip()]
            for kind, table in tables.items():
                stored[kind] = {r.lower() for r in scalar_rows(f"SELECT id FROM {table}")}
            for name, sql in HALF_WRITTEN.items():
                half[name] = int(scalar_rows(sql)[0])
        missing = [f"{kind}/{id_}" for kind, id_ in writes if id_.lower() not in stored[kind]]
        by_kind = {}
        for kind, _ in writes:
            by_kind[kind] = by_kind.get(kind, 0) + 1
        ok = not missing and not server_errors and all(v == 0 for v in half.values()) and integrity in ("ok", "n/a (PostgreSQL)") and not fk
        print(f"CRASH {engine}: writes acknowledged {len(writes)} ({', '.join(f'{k} {v}' for k, v in sorted(by_kind.items()))}) / kills {kills} / "
              f"lost {len(missing)} / half-written {sum(half.values())} / 5xx {len(server_errors)} / integrity_check {integrity} / foreign_key_check {len(fk)} -> {'PASS' if ok else 'FAIL'}")
        for m in (missing + [str(e) for e in server_errors])[:20]:
            print("  " + m)
        for name, count in half.items():
            if count:
                print(f"  half-written: {name}: {count}")
        return 0 if ok else 1
    finally:
        api.kill9()
        if engine == "Postgres":
            subprocess.run([PSQL, "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", "postgres", "-qc", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], check=False)


# ---- reactions ---------------------------------------------------------------------------------------------------

JWT_KEY = "iop-reliability-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz"
JWT_ISSUER = "iop-reliability"


def staff_token(subject, roles):
    """An HS256 staff token like the identity provider's (the API is started with its signing key)."""
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"sub": subject, "name": f"Staff {subject}", "role": roles, "iss": JWT_ISSUER, "aud": "iop-platform",
                              "nbf": now - 300, "exp": now + 7200}).encode())
    signature = b64(hmac.new(JWT_KEY.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


class Receiver:
    """A partner's webhook endpoint on 127.0.0.1: records every POST body, answers 204."""
    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                received.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


class Db:
    """Read-only SQL on the API's database (sqlite3 or psql), for checks the API does not expose."""
    def __init__(self, engine, path=None, pg_port=None, database=None):
        self.engine, self.path, self.pg_port, self.database = engine, path, pg_port, database

    def scalar(self, sql):
        if self.engine == "Sqlite":
            db = sqlite3.connect(self.path)
            try:
                return db.execute(sql).fetchone()[0]
            finally:
                db.close()
        out = subprocess.run([PSQL, "-h", "127.0.0.1", "-p", self.pg_port, "-U", "postgres", "-d", self.database, "-tAc", sql], check=True, capture_output=True, text=True)
        return int(out.stdout.strip() or 0)


def reactions(args):
    work = f"/tmp/iop-reliability-reactions-{args.engine}"
    os.makedirs(work, exist_ok=True)
    port = args.port or (5394 if args.engine == "sqlite" else 5395)
    cs, engine, path, pg_port, database = fresh_database(args.engine, work, "reactions")
    db = Db(engine, path, pg_port, database)
    receiver = Receiver()
    api = Api(engine, cs, port, os.path.join(work, "api.log"))
    api.env.update({
        "Auth__Jwt__SigningKey": JWT_KEY, "Auth__Jwt__Issuer": JWT_ISSUER,
        "Integration__Webhooks__AllowHttp": "true", "Integration__Webhooks__AllowedPrivateTargets__0": "127.0.0.1",
    })
    normal = dict(api.env)
    stops_after_commit = dict(normal, Reactions__DeliverInline="false", Hangfire__ServerEnabled="false")
    staff = {"Authorization": "Bearer " + staff_token("rel-clin", ["admin", "clinician", "supervisor"])}
    failures = []

    def call(method, path_, body=None, expect=(200, 201), headers=None, etag=None):
        h = dict(staff)
        h.update(headers or {})
        if etag is not None:
            h["If-Match"] = f'"{etag}"'
        status, parsed, _, _ = http(api.base, method, path_, body, h, timeout=30)
        if status not in expect:
            raise RuntimeError(f"{method} {path_}: {status} {str(parsed)[:300]}")
        return parsed

    def q(sql):
        return db.scalar(sql)

    def uid(value):
        return f"lower(CAST({value} AS TEXT))" if engine == "Sqlite" else f"CAST({value} AS TEXT)"

    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 6 * 3600))
    try:
        # ---- setup, on a normal API ----------------------------------------------------------------------------
        api.env = normal
        api.start()
        site = call("POST", "/api/v1/sites", {"name": "Reaction site", "timeZone": "America/Chicago"})
        group = call("POST", "/api/v1/groups", {"siteId": site["id"], "name": "Evening recovery", "track": "adult", "sessionKind": "group_recovery",
                                                "capacity": 12, "facilitatorIds": ["facilitator-1"],
                                                "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
                                                "startTime": "18:00", "endTime": "21:00", "firstDate": today})
        program = call("POST", "/api/v1/programs", {"siteId": site["id"], "name": "Reaction IOP", "levelOfCare": "asam-3:2.1", "coreGroupIds": [group["id"]]})
        call("PUT", "/api/v1/clinicians/rel-clin", {"displayName": "Staff rel-clin", "credentials": "LCSW", "requiresCosign": False})

        def screened(given):
            patient = call("POST", "/api/v1/patients", {"mrn": f"R-{uuid.uuid4().hex[:16]}", "externalIds": [], "givenName": given, "familyName": "Reaction",
                                                        "dateOfBirth": "1985-05-05", "sexAtBirth": "female", "preferredLanguage": "en"})
            referral = call("POST", "/api/v1/enrollments", {"patientId": patient["id"], "programId": program["id"], "referralDate": today, "referredByClinician": "Dr. R"})
            return call("POST", f"/api/v1/enrollments/{referral['id']}/screen", {
                "detoxStatus": "not_needed", "recommendedBy": "Dr. R, LCSW", "recommendedOn": today, "recommendedLevelOfCare": "asam-3:2.1",
                "actualLevelOfCare": "asam-3:2.1", "dualDiagnosis": False, "diagnosisCodes": [], "expectedPositiveAnalytes": ["buprenorphine"], "ageGroup": "adult"},
                etag=referral["version"])

        def admitted(given):
            e = screened(given)
            return call("POST", f"/api/v1/enrollments/{e['id']}/admit", {"admissionDate": today}, etag=e["version"])

        to_admit = screened("Ada")
        phq = admitted("Pat")
        noted = admitted("Noa")
        leaving = admitted("Lee")
        call("POST", f"/api/v1/enrollments/{leaving['id']}/drug-tests", {"specimen": "urine", "method": "point_of_care",
             "collectedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600)),
             "analytes": [{"analyte": "buprenorphine", "result": "positive"}, {"analyte": "cocaine", "result": "positive"}]})
        call("POST", f"/api/v1/programs/{program['id']}/drift-scan")
        open_alerts = q(f"SELECT COUNT(*) FROM engagement_alert WHERE {uid('enrollment_id')} = '{leaving['id']}' AND status <> 'resolved' AND rule_code <> 'safety'")
        if open_alerts < 1:
            raise RuntimeError("setup: the drift scan raised no alert to close at discharge")
        partner = call("POST", "/api/v1/api-clients", {"name": "Reaction partner", "roles": ["partner"]})
        call("POST", f"/api/v1/patients/{noted['patientId']}/consents", {
            "disclosingParty": "Reaction IOP", "informationCategories": ["clinical_note", "enrollment"], "recipientApiClientIds": [partner["client"]["id"]],
            "treatmentPaymentOperations": False, "purpose": "Care coordination", "expiresOn": "2030-01-01", "signedBy": "Noa Reaction",
            "signerRelationship": "patient", "signedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600)), "revocationRightAcknowledged": True})
        status, _, _, _ = http(api.base, "POST", "/api/v1/webhook-subscriptions", {"url": f"http://127.0.0.1:{receiver.port}/notes", "events": ["note.signed"]},
                               {"X-Api-Key": partner["key"]})
        if status != 201:
            raise RuntimeError(f"subscription: {status}")
        note = call("POST", f"/api/v1/enrollments/{noted['id']}/notes", {"kind": "individual", "format": "birp", "serviceDate": today, "startTime": "10:00", "endTime": "11:00",
                    "sections": {"behavior": "Engaged.", "intervention": "CBT.", "response": "Good.", "plan": "Continue."}})
        api.stop()

        # ---- each change, then kill -9 right after its 2xx ---------------------------------------------------
        def killed_after(name, action):
            api.env = stops_after_commit
            api.start()
            started = time.monotonic()
            action()
            api.kill9()
            log(f"{engine}: {name} answered 2xx; kill -9 {1000 * (time.monotonic() - started):.0f} ms after the request was sent")

        killed_after("admission", lambda: call("POST", f"/api/v1/enrollments/{to_admit['id']}/admit", {"admissionDate": today}, etag=to_admit["version"]))
        killed_after("PHQ-9 item 9 = 2", lambda: call("POST", f"/api/v1/enrollments/{phq['id']}/measures",
                     {"instrument": "phq9", "administeredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600)), "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}))
        killed_after("note signed", lambda: call("POST", f"/api/v1/notes/{note['id']}/sign", etag=note["version"]))

        def discharge():
            e = call("GET", f"/api/v1/enrollments/{leaving['id']}")
            call("POST", f"/api/v1/enrollments/{leaving['id']}/discharge", {"reason": "left_before_completion", "note": "moved away"}, etag=e["version"])
        killed_after("discharge", discharge)

        checks = {
            "admission: booked sessions": f"SELECT COUNT(*) FROM scheduling_booking WHERE {uid('enrollment_id')} = '{to_admit['id']}' AND status = 'booked'",
            "admission: duplicate bookings": f"SELECT COUNT(*) - COUNT(DISTINCT session_id) FROM scheduling_booking WHERE {uid('enrollment_id')} = '{to_admit['id']}'",
            "PHQ-9: safety alerts": f"SELECT COUNT(*) FROM engagement_alert WHERE {uid('enrollment_id')} = '{phq['id']}' AND rule_code = 'safety'",
            "PHQ-9: alert.raised events": f"SELECT COUNT(*) FROM engagement_outbox o JOIN engagement_alert a ON a.id = o.aggregate_id "
                                          f"WHERE {uid('a.enrollment_id')} = '{phq['id']}' AND a.rule_code = 'safety' AND o.event_type = 'alert.raised'",
            "note: deliveries stored": f"SELECT COUNT(*) FROM integration_webhook_delivery WHERE event_type = 'note.signed' AND payload LIKE '%{note['id']}%'",
            "discharge: alerts still open": f"SELECT COUNT(*) FROM engagement_alert WHERE {uid('enrollment_id')} = '{leaving['id']}' AND status <> 'resolved' AND rule_code <> 'safety'",
            "discharge: alerts closed at episode end": f"SELECT COUNT(*) FROM engagement_alert WHERE {uid('enrollment_id')} = '{leaving['id']}' AND resolution LIKE 'episode_ended%'",
            "discharge: alert.resolved events": f"SELECT COUNT(*) FROM engagement_outbox WHERE {uid('patient_id')} = '{leaving['patientId']}' AND event_type = 'alert.resolved'",
            "reactions pending": "SELECT COUNT(*) FROM platform_reaction_outbox WHERE status = 'pending'",
        }
        before = {k: q(v) for k, v in checks.items()}
        log(f"{engine}: after the kills: " + ", ".join(f"{k} {v}" for k, v in before.items()))

        # ---- restart normally; the jobs deliver ----------------------------------------------------------------
        api.env = normal
        restarted = time.monotonic()
        api.start()

        def note_posts():
            return sum(1 for b in receiver.received if note["id"] in b and '"type":"note.signed"' in b)
        expected = {"admission: duplicate bookings": 0, "PHQ-9: safety alerts": 1, "PHQ-9: alert.raised events": 1, "note: deliveries stored": 1,
                    "discharge: alerts still open": 0, "discharge: alerts closed at episode end": open_alerts, "discharge: alert.resolved events": open_alerts,
                    "reactions pending": 0}
        done_after = None
        while time.monotonic() - restarted < args.wait:
            now_ = {k: q(v) for k, v in checks.items()}
            if all(now_[k] == v for k, v in expected.items()) and now_["admission: booked sessions"] > 0 and note_posts() == 1:
                done_after = time.monotonic() - restarted
                break
            time.sleep(2)
        # Another full cycle of both jobs: nothing may happen twice.
        time.sleep(70)
        after = {k: q(v) for k, v in checks.items()}
        posts = note_posts()
        if done_after is None:
            failures.append(f"not every effect happened within {args.wait}s of the restart")
        for k, v in expected.items():
            if after[k] != v:
                failures.append(f"{k}: {after[k]} (expected {v})")
        if after["admission: booked sessions"] <= 0:
            failures.append("admission: no booking after the restart")
        if posts != 1:
            failures.append(f"note.signed POSTs received for the note: {posts} (expected 1)")
        if before["admission: booked sessions"] != 0 or before["PHQ-9: safety alerts"] != 0 or before["discharge: alerts still open"] != open_alerts:
            failures.append(f"an effect happened before the restart, so the kill did not land between commit and effect: {before}")
        ok = not failures
        print(f"REACTIONS {engine}: 4 changes each killed right after the 2xx / before restart: bookings {before['admission: booked sessions']}, "
              f"safety alerts {before['PHQ-9: safety alerts']}, note.signed POSTs 0, open alerts of the discharged {before['discharge: alerts still open']} / "
              f"after restart ({done_after or -1:.0f}s, then one more job cycle): bookings {after['admission: booked sessions']} (duplicates {after['admission: duplicate bookings']}), "
              f"safety alerts {after['PHQ-9: safety alerts']} with alert.raised {after['PHQ-9: alert.raised events']}, note.signed POSTs {posts}, "
              f"alerts closed {after['discharge: alerts closed at episode end']}/{open_alerts} with alert.resolved {after['discharge: alert.resolved events']}, "
              f"reactions pending {after['reactions pending']} -> {'PASS' if ok else 'FAIL'}")
        for f in failures:
            print("  " + f)
        return 0 if ok else 1
    finally:
        api.kill9()
        receiver.close()
        if engine == "Postgres":
            subprocess.run([PSQL, "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", "postgres", "-qc", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], check=False)


# ---- outage ------------------------------------------------------------------------------------------------------

def pg(action, port):
    env = dict(os.environ, IOP_PG_PORT=port, IOP_PG_KEEP="1")
    subprocess.run([PG_SCRIPT, action], env=env, check=True, stdout=subprocess.DEVNULL)


def outage(args):
    port = os.environ.get("IOP_PG_PORT", "5455")
    if port == "5433":
        print("outage: refusing to stop the shared test cluster on 5433; set IOP_PG_PORT to a port of your own", file=sys.stderr)
        return 2
    bound = args.bound
    work = "/tmp/iop-reliability-outage"
    os.makedirs(work, exist_ok=True)
    pg("start", port)
    subprocess.run([PSQL, "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres", "-qc", "DROP DATABASE IF EXISTS iop_outage WITH (FORCE)"], check=True)
    subprocess.run([PSQL, "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres", "-qc", "CREATE DATABASE iop_outage"], check=True)
    cs = f"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=iop_outage;Timeout=3;Command Timeout=5"
    api = Api("Postgres", cs, args.port, os.path.join(work, "api.log"))
    failures = []
    try:
        api.start()
        status, site, _, _ = http(api.base, "POST", "/api/v1/sites", {"name": "Before the outage", "timeZone": "Europe/Berlin"})
        if status != 201:
            failures.append(f"baseline create: {status}")
        site_id = site["id"] if status == 201 else None

        log("stopping PostgreSQL")
        pg("stop", port)
        answers, slowest = {}, 0.0
        for i in range(args.requests):
            for method, path, body in (("GET", "/api/v1/sites", None), ("POST", "/api/v1/sites", {"name": f"During {i}", "timeZone": "Europe/Berlin"}),
                                       ("GET", f"/api/v1/sites/{site_id}", None)):
                status, parsed, ctype, elapsed = http(api.base, method, path, body, timeout=bound + 5)
                slowest = max(slowest, elapsed)
                answers[status] = answers.get(status, 0) + 1
                if status != 503 or "application/problem+json" not in ctype or not isinstance(parsed, dict) or parsed.get("status") != 503 or not parsed.get("traceId"):
                    failures.append(f"during outage {method} {path}: {status} {ctype} {str(parsed)[:200]}")
                if elapsed > bound:
                    failures.append(f"during outage {method} {path}: took {elapsed:.1f}s > {bound}s")
        status, health, _, elapsed = http(api.base, "GET", "/health/ready", timeout=bound + 5)
        slowest = max(slowest, elapsed)
        if status != 503 or not isinstance(health, dict) or health.get("status") != "Unhealthy":
            failures.append(f"/health/ready during outage: {status} {health}")
        log(f"outage answers {answers}, /health/ready {status} {health and health.get('status')}, slowest {slowest:.1f}s")

        log("starting PostgreSQL")
        pg("start", port)
        recovered_after = None
        started = time.monotonic()
        while time.monotonic() - started < 60:
            status, _, _, _ = http(api.base, "GET", "/health/ready", timeout=5)
            if status == 200:
                recovered_after = time.monotonic() - started
                break
            time.sleep(0.5)
        if recovered_after is None:
            failures.append("/health/ready not healthy within 60s after PostgreSQL returned")
        status, _, _, _ = http(api.base, "POST", "/api/v1/sites", {"name": "After the outage", "timeZone": "Europe/Berlin"})
        if status != 201:
            failures.append(f"create after recovery: {status}")
        status, _, _, _ = http(api.base, "GET", f"/api/v1/sites/{site_id}")
        if status != 200:
            failures.append(f"read of the pre-outage site after recovery: {status}")
        ok = not failures
        total = sum(answers.values())
        print(f"OUTAGE Postgres: requests during outage {total} / 503 ProblemDetails {answers.get(503, 0)} / slowest {slowest:.1f}s (bound {bound}s) / "
              f"health during outage {'Unhealthy' if not any('health' in f for f in failures) else 'WRONG'} / recovered in {recovered_after or -1:.1f}s -> {'PASS' if ok else 'FAIL'}")
        for f in failures[:20]:
            print("  " + f)
        return 0 if ok else 1
    finally:
        api.stop()
        env = dict(os.environ, IOP_PG_PORT=port)
        subprocess.run([PG_SCRIPT, "stop"], env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("crash")
    c.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    c.add_argument("--kills", type=int, default=5)
    c.add_argument("--writers", type=int, default=4)
    c.add_argument("--seed", type=int, default=20260302)
    c.add_argument("--port", type=int, default=0)
    o = sub.add_parser("outage")
    o.add_argument("--requests", type=int, default=10)
    o.add_argument("--bound", type=float, default=10.0, help="seconds a request may take while the database is down")
    o.add_argument("--port", type=int, default=5393)
    r = sub.add_parser("reactions")
    r.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    r.add_argument("--wait", type=int, default=180, help="seconds the restarted API has to carry every effect out")
    r.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sys.exit({"crash": crash, "outage": outage, "reactions": reactions}[args.command](args))


if __name__ == "__main__":
    main()
