using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>The API host as the runner needs it: no per-caller rate limit (a run sends thousands of requests).</summary>
public abstract class EvaluationApi(DatabaseEngine engine) : ApiFactory(engine)
{
    public override ValueTask InitializeAsync()
    {
        Set("RateLimiting:Enabled", "false");
        return base.InitializeAsync();
    }
}

public sealed class EvaluationSqliteApi() : EvaluationApi(DatabaseEngine.Sqlite);

public sealed class EvaluationPostgresApi() : EvaluationApi(DatabaseEngine.Postgres);

/// <summary>What happened to one patient: the ground truth next to the enrollment the API made.</summary>
public sealed record PatientOutcome(
    CohortPatient Patient,
    Guid EnrollmentId,
    DateTimeOffset AdmittedAt,
    DateTimeOffset? DischargedAt,
    IReadOnlyList<DateTimeOffset> AttendedAt,
    DateTimeOffset? DriftStart)
{
    /// <summary>End of the last attended session (a dropout's label), or null.</summary>
    public DateTimeOffset? LastAttended => AttendedAt.Count == 0 ? null : AttendedAt[^1];
}

/// <summary>The patients with an unresolved amber/red alert in the case managers' inboxes at the end of one week.</summary>
public sealed record InboxSample(DateTimeOffset At, IReadOnlySet<Guid> Enrollments);

/// <summary>Everything the evaluator needs from one run.</summary>
public sealed record CohortRun(
    CohortOptions Options,
    string Engine,
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<PatientOutcome> Patients,
    IReadOnlyList<ObservedAlert> Alerts,
    IReadOnlyList<InboxSample> Inbox,
    int SessionsRecorded,
    int SessionsCancelled,
    int AttendanceRecords,
    int DrugTests,
    int Measures,
    TimeSpan Elapsed);

/// <summary>
/// Drives the real host through its REST API only, walking its clock day by day like <c>seed-demo</c> does: admissions
/// in the morning, intake BAM and drug test, weekly tests, fortnightly PHQ-9, attendance after each session (present,
/// late, excused with notice, or nothing so the missed-session job marks the no-show), one program cancellation per
/// program, discharges, and the product's jobs (missed sessions, drift, escalation) as production runs them: at each
/// site's drift time in its own zone (23:30 local by default), in time order with the other sites' sessions (weekly
/// materialisation in the morning). The inbox is sampled at the end of each week; every alert is read at the end.
/// </summary>
public sealed class CohortRunner(EvaluationApi api, CohortOptions options, TextWriter progress)
{
    // Recurring jobs by name, whichever module owns them ("<module>:<name>", or one per site: "<module>:<name>:<site>").
    private const string MaterializeJob = "materialize-sessions";
    private const string MissedSessionsJob = "flag-missed-sessions";
    private const string DetectDriftJob = "detect-drift";
    private const string EscalateAlertsJob = "escalate-alerts";

    // The drift job's own default (Engagement README): used when the host's configuration does not set it.
    private const string DefaultDriftLocalTime = "23:30";

    private static readonly string[] Panel = ["alcohol", "cocaine", "opiates", "fentanyl", "methamphetamine", "cannabis_thc"];
    private static readonly string[] Prescribed = ["buprenorphine"];

    // BAM items 4–6 are use, 1/2/3/8/11/15 risk, 9/10/12/13/14/16 protective (0–4 each); 17 is the 30-day use question.
    private static readonly int[] BamRecentUse = [2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 1, 2, 2, 0, 1, 2, 2];
    private static readonly int[] BamNoUse = [1, 1, 1, 0, 0, 0, 0, 1, 3, 3, 1, 3, 4, 4, 1, 3, 0];
    private static readonly int[] BamWorse = [4, 4, 4, 3, 2, 1, 0, 0, 2, 2, 0, 2, 1, 0, 0, 2, 3];

    private readonly Dictionary<int, Episode> _episodes = [];
    private readonly HashSet<Guid> _recordedSessions = [];
    private readonly List<InboxSample> _inbox = [];
    private int _attendance;
    private int _drugTests;
    private int _measures;
    private int _cancelled;

    private sealed class Episode(CohortPatient patient, Guid enrollmentId, Guid groupId, DateTimeOffset admittedAt)
    {
        public CohortPatient Patient { get; } = patient;

        public Guid EnrollmentId { get; } = enrollmentId;

        public Guid GroupId { get; } = groupId;

        public DateTimeOffset AdmittedAt { get; } = admittedAt;

        public DateTimeOffset? DischargedAt { get; set; }

        public List<DateTimeOffset> AttendedAt { get; } = [];

        public bool PreviousUnexcused { get; set; }

        public bool SeenFirstSession { get; set; }
    }

    private sealed record SessionRef(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status);

    public static string[] CaseManagerIds => Enumerable.Range(0, Cohort.Programs.Length * Cohort.CaseManagersPerProgram).Select(i => $"cm-eval-{i + 1}").ToArray();

    public async Task<CohortRun> RunAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var totalDays = options.Weeks * 7;
        // Each day starts at 13:00 UTC: early morning in every program's zone, before the first session.
        var start = new DateTimeOffset(api.Clock.GetUtcNow().UtcDateTime.Date.AddHours(13), TimeSpan.Zero);
        MoveTo(start);
        var plan = Cohort.Plan(options);
        using var admin = api.Admin();
        using var clinician = api.ClientAs(Roles.Clinician, "clin-eval");
        Say($"Drift evaluation on {api.Engine}: seed {options.Seed}, {plan.Count} patients ({string.Join(", ", plan.GroupBy(p => p.Trajectory).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}), {options.Weeks} weeks from {start:yyyy-MM-dd}.");

        var groupIds = new List<Guid>();
        var programIds = new List<Guid>();
        foreach (var program in Cohort.Programs)
        {
            var siteId = (await Http.PostAsync(admin, "/api/v1/sites", new { name = $"{program.Name} site", timeZone = program.TimeZone }, ct)).Id();
            var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
            var groupId = (await Http.PostAsync(admin, "/api/v1/groups", new
            {
                siteId,
                name = program.Name,
                track = "adult",
                sessionKind = "group_recovery",
                capacity = 40,
                facilitatorIds = new[] { "clin-eval" },
                daysOfWeek = program.Days,
                startTime = program.Start,
                endTime = program.End,
                firstDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime),
            }, ct)).Id();
            groupIds.Add(groupId);
            programIds.Add((await Http.PostAsync(admin, "/api/v1/programs", new { siteId, name = program.Name, levelOfCare = "asam-3:2.1", coreGroupIds = new[] { groupId } }, ct)).Id());
        }
        var alerts = new AlertReader(admin, CaseManagerIds, programIds);

        for (var day = 0; day < totalDays; day++)
        {
            var anchor = start.AddDays(day);
            MoveTo(anchor);
            if (day > 0 && day % 7 == 0)
            {
                await RunJobAsync(MaterializeJob, ct);
            }
            foreach (var patient in plan.Where(p => p.AdmissionDay == day))
            {
                await AdmitAsync(admin, patient, groupIds, programIds, ct);
            }
            foreach (var episode in _episodes.Values.Where(e => e.DischargedAt is null))
            {
                await ClinicalScheduleAsync(clinician, episode, day, ct);
            }
            foreach (var episode in _episodes.Values.Where(e => e.DischargedAt is null && (e.Patient.CompletionDay == day || e.Patient.DropoutDischargeDay == day)).ToList())
            {
                await DischargeAsync(admin, episode, ct);
            }

            var sessions = new List<(SessionRef Session, int Program)>();
            for (var g = 0; g < groupIds.Count; g++)
            {
                var date = DateOnly.FromDateTime(anchor.UtcDateTime);
                var list = await Http.GetAsync(admin, $"/api/v1/groups/{groupIds[g]}/sessions?from={date.AddDays(-1):yyyy-MM-dd}&to={date.AddDays(1):yyyy-MM-dd}", ct);
                sessions.AddRange(list.GetProperty("items").Deserialize<List<SessionRef>>(HttpJson.Options)!
                    .Where(s => s.EndsAt > anchor && s.EndsAt <= anchor.AddDays(1) && s.Status == "scheduled" && !_recordedSessions.Contains(s.Id))
                    .Select(s => (s, g)));
            }
            // The day in time order: each session's attendance 15 minutes after it ends, and each site's evening job run
            // (see JobTicks), so a site's drift run sees exactly what production would see at that moment.
            var steps = sessions.Select(s => (At: s.Session.EndsAt.AddMinutes(15), Session: (SessionRef?)s.Session, s.Program))
                .Concat(JobTicks(anchor).Select(t => (At: t, Session: (SessionRef?)null, Program: -1)))
                .OrderBy(s => s.At)
                .ToList();
            foreach (var (at, session, program) in steps)
            {
                if (session is null)
                {
                    MoveTo(at);
                    await RunJobAsync(MissedSessionsJob, ct);
                    await RunJobAsync(DetectDriftJob, ct);
                    await RunJobAsync(EscalateAlertsJob, ct);
                    continue;
                }
                if (IsProgramCancellation(program, day))
                {
                    // Cancelled by the program in the morning (facilitator ill): nobody's miss.
                    var current = await Http.GetAsync(admin, $"/api/v1/sessions/{session.Id}", ct);
                    await Http.PostAsync(clinician, $"/api/v1/sessions/{session.Id}/cancel", new { reason = "Facilitator ill; group cancelled." }, ct, current.Version());
                    _recordedSessions.Add(session.Id);
                    _cancelled++;
                    continue;
                }
                MoveTo(at);
                await RecordSessionAsync(clinician, session, groupIds[program], day, ct);
            }

            if ((day + 1) % 7 == 0)
            {
                var inbox = await alerts.InboxAsync(ct);
                _inbox.Add(new InboxSample(api.Clock.GetUtcNow(), inbox));
                Say($"  week {(day + 1) / 7}/{options.Weeks}: {_episodes.Count} admitted, {_episodes.Values.Count(e => e.DischargedAt is not null)} discharged, {_attendance} attendance records, {inbox.Count} patients in the inboxes ({watch.Elapsed.TotalSeconds:F0} s).");
            }
        }

        var end = api.Clock.GetUtcNow();
        var observed = await alerts.AllAsync(ct);
        var outcomes = _episodes.Values.OrderBy(e => e.Patient.Index).Select(e => new PatientOutcome(
            e.Patient, e.EnrollmentId, e.AdmittedAt, e.DischargedAt, e.AttendedAt, DriftStart(e, start))).ToList();
        return new CohortRun(options, api.Engine.ToString(), start, end, outcomes, observed, _inbox, _recordedSessions.Count - _cancelled, _cancelled, _attendance, _drugTests, _measures, watch.Elapsed);
    }

    /// <summary>
    /// The labelled drift start: the day the fade begins (gradual), or the day they stop — unless the last session they
    /// attended came earlier (a chance miss just before), then right after it: every later session is a miss.
    /// </summary>
    private static DateTimeOffset? DriftStart(Episode e, DateTimeOffset start)
    {
        if (e.Patient.DriftDay is not { } drift)
        {
            return null;
        }
        var labelled = start.AddDays(drift);
        return e.AttendedAt.Count > 0 && e.AttendedAt[^1] < labelled ? e.AttendedAt[^1].AddMinutes(1) : labelled;
    }

    /// <summary>
    /// When the runner lets the recurring jobs run on day <paramref name="anchor"/>: at each site's drift time
    /// (<c>Engagement:DriftLocalTime</c>) on that local day — a quarter hour, so a tick of the every-15-minutes jobs in
    /// production. The missed-session job runs first at each tick (it marks the evening's no-shows whose grace has
    /// passed), then the drift job (which evaluates only the programs due at that moment), then escalation.
    /// </summary>
    private List<DateTimeOffset> JobTicks(DateTimeOffset anchor)
    {
        var driftTime = TimeOnly.ParseExact(api.Services.GetRequiredService<IConfiguration>()["Engagement:DriftLocalTime"] ?? DefaultDriftLocalTime, "HH:mm", CultureInfo.InvariantCulture);
        return Cohort.Programs.Select(p => TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone)).Distinct().Select(zone =>
        {
            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(anchor, zone).DateTime).ToDateTime(driftTime);
            return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        }).Order().ToList();
    }

    /// <summary>Each program cancels one session in week 4 and, in a long run, one in week 8.</summary>
    private static bool IsProgramCancellation(int program, int day) => day == 22 + program || day == 50 + program;

    private async Task AdmitAsync(HttpClient admin, CohortPatient patient, List<Guid> groupIds, List<Guid> programIds, CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Cohort.Programs[patient.Program].TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(api.Clock.GetUtcNow(), zone).DateTime);
        var patientId = (await Http.PostAsync(admin, "/api/v1/patients", new
        {
            mrn = patient.Mrn,
            externalIds = Array.Empty<object>(),
            givenName = "Eval",
            familyName = $"Patient{patient.Index + 1}",
            dateOfBirth = new DateOnly(1980, 1, 1).AddDays(patient.Index * 97),
            sexAtBirth = patient.Index % 2 == 0 ? "female" : "male",
            preferredLanguage = "en",
            contact = new { phone = $"+1 555 02{patient.Index % 100:D2}" },
        }, ct)).Id();
        var referral = await Http.PostAsync(admin, "/api/v1/enrollments", new
        {
            patientId,
            programId = programIds[patient.Program],
            referralDate = today.AddDays(-7),
            referredByClinician = "Dr. Eval Referrer",
        }, ct);
        var screened = await Http.PostAsync(admin, $"/api/v1/enrollments/{referral.Id()}/screen", new
        {
            detoxStatus = "not_needed",
            recommendedBy = "Eval Counsellor",
            recommendedOn = today.AddDays(-3),
            recommendedLevelOfCare = "asam-3:2.1",
            actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = false,
            diagnosisCodes = Array.Empty<string>(),
            expectedPositiveAnalytes = patient.Buprenorphine ? Prescribed : [],
            ageGroup = "adult",
        }, ct, referral.Version());
        var admitted = await Http.PostAsync(admin, $"/api/v1/enrollments/{referral.Id()}/admit", new { admissionDate = today }, ct, screened.Version());
        var caseManager = CaseManagerIds[patient.CaseManager];
        await Http.PutAsync(admin, $"/api/v1/enrollments/{referral.Id()}/care-team", new
        {
            primaryCounsellor = new { userId = "clin-eval", displayName = "Eval Counsellor" },
            caseManager = new { userId = caseManager, displayName = caseManager },
            supervisor = new { userId = $"sup-eval-{patient.Program + 1}", displayName = "Eval Supervisor" },
        }, ct, admitted.Version());
        _episodes[patient.Index] = new Episode(patient, referral.Id(), groupIds[patient.Program], api.Clock.GetUtcNow());
    }

    /// <summary>Drug test weekly from admission, PHQ-9 fortnightly, BAM at intake and every four weeks, while the patient still comes.</summary>
    private async Task ClinicalScheduleAsync(HttpClient clinician, Episode episode, int day, CancellationToken ct)
    {
        var patient = episode.Patient;
        var since = day - patient.AdmissionDay;
        if (since < 0 || (patient.StopDay is { } stop && day >= stop))
        {
            return;
        }
        var rng = new Random(unchecked((options.Seed * 31) + (patient.Index * 7877) + (day * 13)));
        var drifting = patient.Trajectory == Trajectory.GradualDrift && day >= patient.DriftDay;
        var at = api.Clock.GetUtcNow().AddMinutes(-30);
        var url = $"/api/v1/enrollments/{episode.EnrollmentId}";
        if (since % 7 == 0)
        {
            var positive = since / 7 < patient.EarlyPositiveTests || (drifting && rng.Next(10) < 6);
            var analytes = Panel.Select(a => new { analyte = a, result = a == patient.Substance && positive ? "positive" : "negative" }).ToList();
            if (patient.Buprenorphine)
            {
                analytes.Add(new { analyte = "buprenorphine", result = "positive" });
            }
            await Http.PostAsync(clinician, $"{url}/drug-tests", new { specimen = "urine", method = positive ? "lab" : "point_of_care", collectedAt = at, analytes }, ct);
            _drugTests++;
        }
        if (since % 14 == 0)
        {
            // Symptoms ease for those who stay and climb again for those drifting away; item 9 (self-harm) stays 0.
            var level = drifting ? 2 : Math.Max(0, 2 - (since / 14));
            var phq = Enumerable.Range(0, 9).Select(i => i == 8 ? 0 : Math.Clamp(level + rng.Next(-1, 2), 0, 3)).ToArray();
            await Http.PostAsync(clinician, $"{url}/measures", new { instrument = "phq9", administeredAt = at, answers = phq }, ct);
            _measures++;
        }
        if (since % 28 == 0 || (patient.DriftDay is { } drift && patient.Trajectory == Trajectory.GradualDrift && day == drift + 5))
        {
            var answers = drifting ? BamWorse : since == 0 && patient.IntakeRecentUse ? BamRecentUse : BamNoUse;
            await Http.PostAsync(clinician, $"{url}/measures", new { instrument = "bam", administeredAt = at, answers }, ct);
            _measures++;
        }
    }

    private async Task RecordSessionAsync(HttpClient clinician, SessionRef session, Guid groupId, int day, CancellationToken ct)
    {
        var roster = await Http.GetAsync(clinician, $"/api/v1/sessions/{session.Id}/roster?limit=200", ct);
        var byEnrollment = _episodes.Values.Where(e => e.GroupId == groupId && e.DischargedAt is null).ToDictionary(e => e.EnrollmentId);
        var items = new List<object>();
        foreach (var entry in roster.GetProperty("items").EnumerateArray())
        {
            var enrollmentId = entry.GetProperty("enrollmentId").GetGuid();
            if (entry.GetProperty("bookingStatus").GetString() != "booked" || !byEnrollment.TryGetValue(enrollmentId, out var episode))
            {
                continue;
            }
            var outcome = Cohort.Attendance(options.Seed, episode.Patient, day, episode.PreviousUnexcused, !episode.SeenFirstSession);
            episode.SeenFirstSession = true;
            episode.PreviousUnexcused = outcome is null;
            switch (outcome)
            {
                case "present":
                    items.Add(new { enrollmentId, status = "present" });
                    episode.AttendedAt.Add(session.EndsAt);
                    break;
                case "late":
                    items.Add(new { enrollmentId, status = "late", minutes = 20 });
                    episode.AttendedAt.Add(session.EndsAt);
                    break;
                case "absent_excused":
                    items.Add(new { enrollmentId, status = "absent_excused", noticeGivenAt = session.StartsAt.AddHours(-30), note = "Called ahead." });
                    break;
                default:
                    // Nothing recorded: the missed-session job marks it absent_unexcused and opens an outreach task.
                    break;
            }
        }
        _recordedSessions.Add(session.Id);
        if (items.Count == 0)
        {
            return;
        }
        await Http.PostAsync(clinician, $"/api/v1/sessions/{session.Id}/attendance/bulk", new { items }, ct);
        _attendance += items.Count;
    }

    private async Task DischargeAsync(HttpClient admin, Episode episode, CancellationToken ct)
    {
        var current = await Http.GetAsync(admin, $"/api/v1/enrollments/{episode.EnrollmentId}", ct);
        var completed = episode.Patient.Trajectory == Trajectory.Completer;
        await Http.PostAsync(admin, $"/api/v1/enrollments/{episode.EnrollmentId}/discharge", new
        {
            reason = completed ? "completed" : "left_before_completion",
            note = completed ? "Completed the program; stepped down to weekly outpatient." : "No attendance for 30 days; outreach did not reach the patient.",
            dischargeDate = DateOnly.FromDateTime(api.Clock.GetUtcNow().UtcDateTime),
            clinicianOverrideReason = completed ? "Completed the evaluation program's course." : null,
        }, ct, current.Version());
        episode.DischargedAt = api.Clock.GetUtcNow();
    }

    private async Task RunJobAsync(string name, CancellationToken ct)
    {
        var jobs = api.Services.GetServices<RecurringJobDefinition>().Where(j => j.Id.Split(':').Skip(1).FirstOrDefault() == name).ToList();
        if (jobs.Count == 0)
        {
            throw new InvalidOperationException($"No recurring job named {name}: {string.Join(", ", api.Services.GetServices<RecurringJobDefinition>().Select(j => j.Id))}");
        }
        foreach (var job in jobs)
        {
            await job.RunNowAsync(api.Services, ct);
        }
    }

    private void MoveTo(DateTimeOffset instant)
    {
        // The clock only moves forward, as a real one does.
        if (instant > api.Clock.GetUtcNow())
        {
            api.Clock.SetUtcNow(instant);
        }
    }

    private void Say(string line) => progress.WriteLine(line);
}
