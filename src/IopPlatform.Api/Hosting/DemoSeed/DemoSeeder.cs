using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IopPlatform.Api.Hosting.DemoSeed;

/// <summary>
/// Fills a running IOP Platform with a synthetic program through its public REST API only, walking the host's clock
/// day by day through the past weeks: admissions in the morning, attendance after each session, tests and measures
/// on schedule, discharges, and the product's own jobs (materialise sessions, missed sessions, drift, escalation)
/// once a day, so alerts come from the real rules.
/// </summary>
internal sealed class DemoSeeder(DemoSeedHost host, DemoSeedOptions options)
{
    private const string MaterializeJob = "scheduling:materialize-sessions";
    private const string MissedSessionsJob = "scheduling:flag-missed-sessions";
    private const string DetectDriftJob = "engagement:detect-drift";
    private const string EscalateAlertsJob = "engagement:escalate-alerts";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly (string Name, string TimeZone)[] Sites =
    [
        ("Lakeside Recovery Center", "America/Chicago"),
        ("Harborview Counseling", "America/Los_Angeles"),
    ];

    private static readonly (int Site, string Name, string[] Days, string Start, string End)[] GroupPlans =
    [
        (0, "Morning IOP (Lakeside)", ["monday", "wednesday", "friday"], "09:00", "12:30"),
        (0, "Evening IOP (Lakeside)", ["monday", "tuesday", "thursday"], "18:00", "21:30"),
        (1, "Evening IOP (Harborview)", ["monday", "wednesday", "thursday"], "17:30", "21:00"),
    ];

    private static readonly (string Id, string Name)[] CaseManagers =
    [
        ("cm-ortiz", "Rosa Ortiz"), ("cm-nguyen", "Linh Nguyen"), ("cm-haddad", "Samir Haddad"), ("cm-brooks", "Tamsin Brooks"),
    ];

    private static readonly (string Id, string Name)[] Counsellors = [("clin-ellison", "Mara Ellison, LCSW"), ("clin-whitaker", "Jonah Whitaker, LADC")];

    private static readonly (string Id, string Name)[] Supervisors = [("sup-lakeside", "Dr. Priya Raman"), ("sup-harborview", "Dr. Owen Castillo")];

    private static readonly string[] Panel = ["alcohol", "cocaine", "opiates", "fentanyl", "methamphetamine", "cannabis_thc"];

    private static readonly string[] DualDiagnosis = ["F10.20", "F32.1"];
    private static readonly string[] Prescribed = ["buprenorphine"];
    private static readonly string[] SubstanceObjectives = ["Keep a daily trigger log"];
    private static readonly string[] SubstanceInterventions = ["CBT relapse prevention group"];
    private static readonly string[] AftercareObjectives = ["Choose an outpatient provider"];
    private static readonly string[] AftercareInterventions = ["Case management referral"];

    private readonly Dictionary<int, Episode> _episodes = [];
    private readonly HashSet<Guid> _recordedSessions = [];
    private int _attendance;
    private int _drugTests;
    private int _measures;
    private int _notes;
    private int _plans;

    private sealed class Episode(DemoPatient patient, Guid enrollmentId, Guid groupId)
    {
        public DemoPatient Patient { get; } = patient;

        public Guid EnrollmentId { get; } = enrollmentId;

        public Guid GroupId { get; } = groupId;

        public bool Discharged { get; set; }

        public int Attended { get; set; }
    }

    private sealed record SessionRef(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status);

    public async Task<DemoSeedSummary> RunAsync(CancellationToken ct)
    {
        var totalDays = options.Weeks * 7;
        var now = host.Clock.GetUtcNow();
        // Each demo day starts at 13:00 UTC: early morning at both sites, before their first session.
        var start = new DateTimeOffset(now.UtcDateTime.Date.AddHours(13), TimeSpan.Zero);
        if (start < now)
        {
            start = start.AddDays(1);
        }
        MoveTo(start);
        var plan = DemoCohort.Plan(options.Seed, options.Patients, options.Weeks);
        Say($"Seeding a demo program (seed {options.Seed}, {plan.Count} patients, {options.Weeks} weeks from {start:yyyy-MM-dd}).");

        var adminKey = await CreateApiClientAsync($"Demo admin (seed {options.Seed})", ["admin"], ct);
        var clinicalKey = await CreateApiClientAsync("Demo clinical team", ["clinician", "supervisor"], ct);
        using var clinical = host.NewClient();
        clinical.DefaultRequestHeaders.Add("X-Api-Key", clinicalKey.Key);
        await CallAsync(host.Admin, HttpMethod.Put, $"/api/v1/clinicians/{clinicalKey.Id}", new { displayName = "Demo clinical team", credentials = "LCSW", requiresCosign = false }, null, ct);

        var siteIds = new List<Guid>();
        var zones = new List<TimeZoneInfo>();
        foreach (var (name, zone) in Sites)
        {
            siteIds.Add(Id(await CallAsync(host.Admin, HttpMethod.Post, "/api/v1/sites", new { name, timeZone = zone }, null, ct)));
            zones.Add(TimeZoneInfo.FindSystemTimeZoneById(zone));
        }
        var groupIds = new List<Guid>();
        foreach (var (site, name, days, startTime, endTime) in GroupPlans)
        {
            var firstDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zones[site]).DateTime);
            groupIds.Add(Id(await CallAsync(host.Admin, HttpMethod.Post, "/api/v1/groups", new
            {
                siteId = siteIds[site],
                name,
                track = "adult",
                sessionKind = "group_recovery",
                capacity = 15,
                facilitatorIds = new[] { Counsellors[site].Id },
                daysOfWeek = days,
                startTime,
                endTime,
                firstDate,
            }, null, ct)));
        }
        // One program per group, each group the program's core group: admission books the patient into it.
        var programIds = new List<Guid>();
        for (var g = 0; g < GroupPlans.Length; g++)
        {
            var (site, name, _, _, _) = GroupPlans[g];
            programIds.Add(Id(await CallAsync(host.Admin, HttpMethod.Post, "/api/v1/programs", new { siteId = siteIds[site], name = name.Replace(" IOP", " Adult IOP", StringComparison.Ordinal), levelOfCare = "asam-3:2.1", coreGroupIds = new[] { groupIds[g] } }, null, ct)));
        }
        Say($"  2 sites ({Sites[0].TimeZone}, {Sites[1].TimeZone}), 3 groups, 3 programs with them as core groups.");

        for (var day = 0; day < totalDays; day++)
        {
            var anchor = start.AddDays(day);
            MoveTo(anchor);
            if (day > 0 && day % 7 == 0)
            {
                await host.RunJob(MaterializeJob, ct);
            }
            foreach (var patient in plan.Where(p => p.AdmissionDay == day))
            {
                await AdmitAsync(patient, groupIds, programIds, zones, ct);
            }
            foreach (var episode in _episodes.Values.Where(e => !e.Discharged).ToList())
            {
                await ClinicalScheduleAsync(episode, day, clinical, ct);
            }
            foreach (var episode in _episodes.Values.Where(e => !e.Discharged && e.Patient.DischargeDay == day).ToList())
            {
                await DischargeAsync(episode, ct);
            }

            var sessions = new List<(SessionRef Session, Guid GroupId)>();
            foreach (var groupId in groupIds)
            {
                var date = DateOnly.FromDateTime(anchor.UtcDateTime);
                var list = await CallAsync(host.Admin, HttpMethod.Get, $"/api/v1/groups/{groupId}/sessions?from={date.AddDays(-1):yyyy-MM-dd}&to={date.AddDays(1):yyyy-MM-dd}", null, null, ct);
                sessions.AddRange(list.GetProperty("items").Deserialize<List<SessionRef>>(Json)!
                    .Where(s => s.EndsAt > anchor && s.EndsAt <= anchor.AddDays(1) && s.Status == "scheduled" && !_recordedSessions.Contains(s.Id))
                    .Select(s => (s, groupId)));
            }
            foreach (var (session, groupId) in sessions.OrderBy(s => s.Session.EndsAt))
            {
                MoveTo(session.EndsAt.AddMinutes(15));
                await RecordSessionAsync(session, groupId, day, totalDays, clinical, ct);
            }

            // The jobs a real deployment runs on its own, once at the end of each demo day.
            MoveTo(anchor.AddDays(1).AddMinutes(-5));
            await host.RunJob(MissedSessionsJob, ct);
            await host.RunJob(DetectDriftJob, ct);
            await host.RunJob(EscalateAlertsJob, ct);
            if ((day + 1) % 7 == 0)
            {
                Say($"  week {(day + 1) / 7}/{options.Weeks}: {_episodes.Count} admitted, {_episodes.Values.Count(e => e.Discharged)} discharged, {_attendance} attendance records, {_drugTests} drug tests, {_measures} measures.");
            }
        }

        var (bySeverity, byRule) = await OpenAlertsAsync(ct);
        return new DemoSeedSummary
        {
            Sites = siteIds.Count,
            Programs = programIds.Count,
            Groups = groupIds.Count,
            Patients = _episodes.Count,
            Patterns = plan.GroupBy(p => p.Pattern).ToDictionary(g => g.Key, g => g.Count()),
            ActiveEnrollments = _episodes.Values.Count(e => !e.Discharged),
            Discharged = _episodes.Values.Count(e => e.Discharged),
            SessionsRecorded = _recordedSessions.Count,
            AttendanceRecords = _attendance,
            DrugTests = _drugTests,
            Measures = _measures,
            Notes = _notes,
            TreatmentPlans = _plans,
            OpenAlertsBySeverity = bySeverity,
            OpenAlertsByRule = byRule,
            AdminApiKey = adminKey.Key,
            ProgramIds = programIds,
        };
    }

    private async Task AdmitAsync(DemoPatient patient, List<Guid> groupIds, List<Guid> programIds, List<TimeZoneInfo> zones, CancellationToken ct)
    {
        var site = GroupPlans[patient.GroupIndex].Site;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(host.Clock.GetUtcNow(), zones[site]).DateTime);
        var patientId = Id(await CallAsync(host.Admin, HttpMethod.Post, "/api/v1/patients", new
        {
            mrn = patient.Mrn,
            externalIds = Array.Empty<object>(),
            givenName = patient.GivenName,
            familyName = patient.FamilyName,
            dateOfBirth = patient.DateOfBirth,
            sexAtBirth = patient.SexAtBirth,
            preferredLanguage = "en",
            contact = new { phone = $"+1 555 01{patient.Index % 100:D2}", email = $"patient{patient.Index + 1}@example.org" },
        }, null, ct));
        var referral = await CallAsync(host.Admin, HttpMethod.Post, "/api/v1/enrollments", new
        {
            patientId,
            programId = programIds[patient.GroupIndex],
            referralDate = today.AddDays(-7),
            referredByClinician = "Dr. Imani Okafor",
        }, null, ct);
        var enrollmentId = Id(referral);
        var screened = await CallAsync(host.Admin, HttpMethod.Post, $"/api/v1/enrollments/{enrollmentId}/screen", new
        {
            detoxStatus = "not_needed",
            recommendedBy = Counsellors[site].Name,
            recommendedOn = today.AddDays(-3),
            recommendedLevelOfCare = "asam-3:2.1",
            actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = patient.Index % 3 == 0,
            diagnosisCodes = patient.Index % 3 == 0 ? DualDiagnosis : [],
            expectedPositiveAnalytes = patient.Buprenorphine ? Prescribed : [],
            ageGroup = "adult",
        }, Version(referral), ct);
        var admitted = await CallAsync(host.Admin, HttpMethod.Post, $"/api/v1/enrollments/{enrollmentId}/admit", new { admissionDate = today }, Version(screened), ct);
        var caseManager = CaseManagers[patient.CaseManagerIndex];
        await CallAsync(host.Admin, HttpMethod.Put, $"/api/v1/enrollments/{enrollmentId}/care-team", new
        {
            primaryCounsellor = new { userId = Counsellors[site].Id, displayName = Counsellors[site].Name },
            caseManager = new { userId = caseManager.Id, displayName = caseManager.Name },
            supervisor = new { userId = Supervisors[site].Id, displayName = Supervisors[site].Name },
        }, Version(admitted), ct);
        // Admission made the patient a member of the program's core group (Scheduling reacts to the activation).
        _episodes[patient.Index] = new Episode(patient, enrollmentId, groupIds[patient.GroupIndex]);
    }

    /// <summary>Intake measures and drug test, weekly tests, fortnightly PHQ-9/GAD-7, four-weekly BAM, a plan in week 2.</summary>
    private async Task ClinicalScheduleAsync(Episode episode, int day, HttpClient clinical, CancellationToken ct)
    {
        var patient = episode.Patient;
        var since = day - patient.AdmissionDay;
        if (since < 0 || (patient.StopsAttendingDay is { } stops && day >= stops))
        {
            return;
        }
        var rng = new Random(unchecked((options.Seed * 31) + (patient.Index * 7877) + (day * 13)));
        var worse = patient.Pattern == DemoPattern.Drifting && day >= patient.DriftFromDay;
        var at = host.Clock.GetUtcNow().AddMinutes(-30);
        var url = $"/api/v1/enrollments/{episode.EnrollmentId}";
        if (since % 7 == 0)
        {
            var analytes = Panel.Select(a => new
            {
                analyte = a,
                result = a == patient.Substance && ((since == 0 && rng.Next(10) < 4) || (worse && rng.Next(10) < 7) || rng.Next(100) < 4) ? "positive" : "negative",
            }).ToList();
            if (patient.Buprenorphine)
            {
                analytes.Add(new { analyte = "buprenorphine", result = "positive" });
            }
            await CallAsync(clinical, HttpMethod.Post, $"{url}/drug-tests", new { specimen = "urine", method = "point_of_care", collectedAt = at, analytes }, null, ct);
            _drugTests++;
        }
        if (since % 14 == 0)
        {
            // Symptoms ease over the weeks for those who stay engaged and climb again for those drifting away.
            var level = worse ? 2 : Math.Max(0, 2 - (since / 14));
            var phq = Enumerable.Range(0, 9).Select(i => i == 8 ? (worse && rng.Next(4) == 0 ? 1 : 0) : Math.Clamp(level + rng.Next(-1, 2), 0, 3)).ToArray();
            var gad = Enumerable.Range(0, 7).Select(_ => Math.Clamp(level + rng.Next(-1, 2), 0, 3)).ToArray();
            await CallAsync(clinical, HttpMethod.Post, $"{url}/measures", new { instrument = "phq9", administeredAt = at, answers = phq }, null, ct);
            await CallAsync(clinical, HttpMethod.Post, $"{url}/measures", new { instrument = "gad7", administeredAt = at, answers = gad }, null, ct);
            _measures += 2;
        }
        if (since % 28 == 0 || (worse && day == patient.DriftFromDay + 3))
        {
            // BAM items 4–6 are use, 1/2/3/8/11/15 risk, 9/10/12/13/14/16 protective (0–4 each; item 14 is 0 or 4, item 5 ≤ item 4).
            int[] answers = worse
                ? [4, 4, 4, 1, 1, 0, 0, 0, 2, 2, 0, 2, 1, 0, 0, 2, 3]
                : [1, 1, 1, 0, 0, 0, 0, 1, 3, 3, 1, 3, 4, 4, 1, 3, 0];
            await CallAsync(clinical, HttpMethod.Post, $"{url}/measures", new { instrument = "bam", administeredAt = at, answers }, null, ct);
            _measures++;
        }
        if (since == 8 && patient.Index % 6 != 5)
        {
            await CallAsync(clinical, HttpMethod.Post, $"{url}/treatment-plan", new
            {
                problems = new[] { $"Substance use disorder ({patient.Substance.Replace('_', ' ')})", "Unstable daily routine" },
                goals = new[]
                {
                    new
                    {
                        problem = "Substance use disorder", category = "substance_use", description = "Stop using and manage cravings",
                        measurableTarget = "Four negative screens in a row", objectives = SubstanceObjectives, interventions = SubstanceInterventions,
                    },
                    new
                    {
                        problem = "Step-down planning", category = "aftercare", description = "Continue care after IOP",
                        measurableTarget = "Weekly outpatient booked before discharge", objectives = AftercareObjectives, interventions = AftercareInterventions,
                    },
                },
            }, null, ct);
            _plans++;
        }
    }

    private async Task RecordSessionAsync(SessionRef session, Guid groupId, int day, int totalDays, HttpClient clinical, CancellationToken ct)
    {
        var roster = await CallAsync(host.Admin, HttpMethod.Get, $"/api/v1/sessions/{session.Id}/roster?limit=200", null, null, ct);
        var byEnrollment = _episodes.Values.Where(e => e.GroupId == groupId).ToDictionary(e => e.EnrollmentId);
        var items = new List<object>();
        var attended = new List<Episode>();
        foreach (var entry in roster.GetProperty("items").EnumerateArray())
        {
            var enrollmentId = entry.GetProperty("enrollmentId").GetGuid();
            if (entry.GetProperty("bookingStatus").GetString() != "booked" || !byEnrollment.TryGetValue(enrollmentId, out var episode))
            {
                continue;
            }
            switch (DemoCohort.Attendance(options.Seed, episode.Patient, day, totalDays))
            {
                case "present":
                    items.Add(new { enrollmentId, status = "present" });
                    attended.Add(episode);
                    break;
                case "late":
                    items.Add(new { enrollmentId, status = "late", minutes = 180 });
                    attended.Add(episode);
                    break;
                case "absent_excused":
                    items.Add(new { enrollmentId, status = "absent_excused", noticeGivenAt = session.StartsAt.AddHours(-30), note = "Called ahead: medical appointment." });
                    break;
                default:
                    // Nothing recorded: the missed-session job marks it absent and opens an outreach task.
                    break;
            }
        }
        if (items.Count == 0)
        {
            return;
        }
        await CallAsync(clinical, HttpMethod.Post, $"/api/v1/sessions/{session.Id}/attendance/bulk", new { items }, null, ct);
        _recordedSessions.Add(session.Id);
        _attendance += items.Count;
        foreach (var episode in attended)
        {
            episode.Attended++;
            if (episode.Attended % 4 == 1 && episode.Patient.Pattern is DemoPattern.Steady or DemoPattern.Completed)
            {
                await CallAsync(clinical, HttpMethod.Post, $"/api/v1/enrollments/{episode.EnrollmentId}/notes", new
                {
                    kind = "individual",
                    format = "birp",
                    sessionId = session.Id,
                    sections = new Dictionary<string, string>
                    {
                        ["behavior"] = "Arrived on time, engaged in group, reported cravings 3/10.",
                        ["intervention"] = "Reviewed trigger log; practised urge surfing.",
                        ["response"] = "Named two new triggers and a plan for the weekend.",
                        ["plan"] = "Continue the trigger log; attend all groups this week.",
                    },
                }, null, ct);
                _notes++;
            }
        }
    }

    private async Task DischargeAsync(Episode episode, CancellationToken ct)
    {
        var current = await CallAsync(host.Admin, HttpMethod.Get, $"/api/v1/enrollments/{episode.EnrollmentId}", null, null, ct);
        var completed = episode.Patient.Pattern == DemoPattern.Completed;
        await CallAsync(host.Admin, HttpMethod.Post, $"/api/v1/enrollments/{episode.EnrollmentId}/discharge", new
        {
            reason = completed ? "completed" : "left_before_completion",
            note = completed ? "Completed the program; stepped down to weekly outpatient." : "Stopped attending; outreach did not reach the patient.",
            dischargeDate = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime),
            clinicianOverrideReason = completed ? "Completed the demo program's course." : null,
        }, Version(current), ct);
        episode.Discharged = true;
    }

    private async Task<(Dictionary<string, int> BySeverity, Dictionary<string, int> ByRule)> OpenAlertsAsync(CancellationToken ct)
    {
        var seen = new Dictionary<Guid, (string Severity, string Rule)>();
        foreach (var (id, _) in CaseManagers)
        {
            string? cursor = null;
            do
            {
                var page = await CallAsync(host.Admin, HttpMethod.Get, $"/api/v1/case-managers/{id}/alerts?limit=200{(cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor))}", null, null, ct);
                foreach (var alert in page.GetProperty("items").EnumerateArray())
                {
                    seen[alert.GetProperty("id").GetGuid()] = (alert.GetProperty("severity").GetString()!, alert.GetProperty("rule").GetString()!);
                }
                cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            }
            while (cursor is not null);
        }
        return (
            seen.Values.GroupBy(a => a.Severity, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            seen.Values.GroupBy(a => a.Rule, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }

    private async Task<(Guid Id, string Key)> CreateApiClientAsync(string name, string[] roles, CancellationToken ct)
    {
        // The demo's keys stand for the clinic's own systems (staff roles), not partner apps.
        var created = await CallAsync(host.Admin, HttpMethod.Post, "/api/v1/api-clients", new { name, roles, kind = ApiClientKinds.InternalSystem }, null, ct);
        return (created.GetProperty("client").GetProperty("id").GetGuid(), created.GetProperty("key").GetString()!);
    }

    private void MoveTo(DateTimeOffset instant)
    {
        // The clock only moves forward, as a real one does.
        if (instant > host.Clock.GetUtcNow())
        {
            host.MoveTo(instant);
        }
    }

    private void Say(string line) => host.Progress.WriteLine(line);

    private static Guid Id(JsonElement body) => body.GetProperty("id").GetGuid();

    private static int Version(JsonElement body) => body.GetProperty("version").GetInt32();

    private static async Task<JsonElement> CallAsync(HttpClient client, HttpMethod method, string url, object? body, int? ifMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{version}\"")));
        }
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {url} answered {(int)response.StatusCode}: {text}");
        }
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }
}
