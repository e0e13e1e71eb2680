using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>
/// One patient slipping away and one attending, end to end: real enrollments, bookings, attendance, the missed-session
/// job, drug tests and measures through the API; then the drift job, the alerts, the inbox, outreach and escalation.
/// </summary>
public abstract class DriftAlertsTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private sealed record AlertKey(Guid Id, string RuleCode, string Severity, string Status, string Evidence, string? OpenKey);

    private Task<List<AlertKey>> AlertsOf(Guid enrollmentId) =>
        Rows<AlertKey>("SELECT id, rule_code AS RuleCode, severity, status, evidence, open_key AS OpenKey FROM engagement_alert WHERE enrollment_id = @enrollmentId ORDER BY id", new { enrollmentId });

    private sealed record FlagKey(string RuleCode, string Status);

    private Task<DriftScanResultDto> Scan(Guid programId) =>
        Supervisor().PostAsync($"/api/v1/programs/{programId}/drift-scan", null, Ct).ContinueWith(t => t.Result.Read<DriftScanResultDto>(), Ct).Unwrap();

    private static List<Guid> EvidenceIds(string json) => JsonSerializer.Deserialize<List<AlertEvidence>>(json, HttpJson.Options)!.Select(e => e.Id).ToList();

    [Fact]
    public async Task Attendance_alone_raises_the_dropout_alert_clinical_signals_raise_its_severity_and_a_return_resolves_it()
    {
        var (programId, groupId) = await ProgramWithDailyGroup();
        var slipping = await ActiveEnrollment(programId, "Dana", "cm-a");
        var steady = await ActiveEnrollment(programId, "Sam", "cm-b");
        var sessions = await Sessions(groupId);
        var (s1, s2, s3, s4, s5, s6) = (sessions[0], sessions[1], sessions[2], sessions[3], sessions[4], sessions[5]);
        var clinician = Clinician();

        // Monday both attend, and Dana's intake BAM reports recent use (the reason for treatment, not a flag).
        Api.Clock.SetUtcNow(s1.EndsAt.AddHours(1));
        await Present(s1.Id, slipping.Id);
        await Present(s1.Id, steady.Id);
        await (await clinician.PostJson($"/api/v1/enrollments/{slipping.Id}/measures", new { instrument = "bam", administeredAt = Now.AddMinutes(-30), answers = new[] { 1, 1, 1, 2, 1, 0, 0, 0, 3, 3, 0, 3, 3, 4, 0, 3, 0 } }))
            .Read<IdOnly>(HttpStatusCode.Created);

        // Tuesday and Wednesday only Sam comes; the missed-session job gives one outreach task per no-show.
        Api.Clock.SetUtcNow(s3.EndsAt.AddHours(3));
        await Present(s2.Id, steady.Id);
        await Present(s3.Id, steady.Id);
        await FlagMissedSessions();
        var tasks = await AlertsOf(slipping.Id);
        Assert.Equal([(DriftRuleCodes.NoShowOutreach, "info"), (DriftRuleCodes.NoShowOutreach, "info")], tasks.Select(t => (t.RuleCode, t.Severity)));
        Assert.Equal(new[] { s2.Id, s3.Id }.Order(), tasks.SelectMany(t => EvidenceIds(t.Evidence)).Order());
        var scanTime = Now;

        var first = await Scan(programId);
        Assert.Equal((2, 1), (first.EnrollmentsEvaluated, first.AlertsRaised));
        var dropout = Assert.Single(await AlertsOf(slipping.Id), a => a.OpenKey!.EndsWith("|dropout_risk", StringComparison.Ordinal));
        Assert.Equal((DriftRuleCodes.ConsecutiveMissed, "amber"), (dropout.RuleCode, dropout.Severity));
        Assert.Equal([s2.Id, s3.Id], EvidenceIds(dropout.Evidence));
        Assert.Empty(await AlertsOf(steady.Id));
        Assert.Equal(3, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.raised' AND patient_id = @PatientId", new { slipping.PatientId }));
        var again = await Scan(programId);
        Assert.Equal((0, 0), (again.AlertsRaised, again.AlertsUpdated));

        // A confirmed unexpected positive and a worse BAM raise the attendance alert to red; the BAM becomes a flag for the
        // review list (not the inbox); a PHQ-9 item 9 is a safety alert of its own.
        await (await clinician.PostJson($"/api/v1/enrollments/{slipping.Id}/drug-tests", new
        {
            specimen = "urine",
            method = "lab",
            collectedAt = Now.AddHours(-1),
            analytes = new[] { new { analyte = "buprenorphine", result = "positive" }, new { analyte = "cocaine", result = "positive" } },
        })).Read<IdOnly>(HttpStatusCode.Created);
        await (await clinician.PostJson($"/api/v1/enrollments/{slipping.Id}/measures", new { instrument = "bam", administeredAt = Now.AddHours(-1), answers = new[] { 4, 4, 4, 3, 3, 0, 0, 4, 1, 1, 4, 1, 1, 0, 4, 1, 0 } }))
            .Read<IdOnly>(HttpStatusCode.Created);
        await (await clinician.PostJson($"/api/v1/enrollments/{slipping.Id}/measures", new { instrument = "phq9", administeredAt = Now.AddHours(-1), answers = new[] { 1, 1, 1, 1, 1, 1, 1, 1, 2 } }))
            .Read<IdOnly>(HttpStatusCode.Created);
        var third = await Scan(programId);
        Assert.Equal((0, 1), (third.AlertsRaised, third.AlertsUpdated));
        var raisedAlert = await (await Supervisor().GetAsync($"/api/v1/alerts/{dropout.Id}", Ct)).Read<AlertDto>();
        Assert.Equal("red", raisedAlert.Severity);
        Assert.Equal(["raised", "severity_raised"], raisedAlert.History.Select(h => h.Action));
        // Evidence as raised: the first evaluation's two misses stay on its history row; the raise carries the drug test and the BAM.
        Assert.Equal([s2.Id, s3.Id], raisedAlert.History[0].Evidence!.Select(e => e.Id));
        Assert.Equal(2, raisedAlert.History[0].Inputs!.Value.GetProperty("consecutiveUnexcusedMisses").GetInt32());
        Assert.Equal(["session", "session", "drug_test", "measure"], raisedAlert.History[1].Evidence!.Select(e => e.Kind));
        Assert.Equal(DriftRuleCodes.ClinicalSeverity, raisedAlert.History[1].Inputs!.Value.GetProperty("raisedBy").GetString());
        Assert.All(raisedAlert.History, h => Assert.NotEmpty(h.Evidence!));
        var review = await (await Supervisor().GetAsync($"/api/v1/programs/{programId}/review-list", Ct)).Read<CursorPage<JsonElement>>();
        var flag = Assert.Single(review.Items);
        Assert.Equal((DriftRuleCodes.BamConcern, slipping.Id), (flag.GetProperty("rule").GetString(), flag.GetProperty("enrollmentId").GetGuid()));

        // Dry run: every rule with its output kind, the verdict and the flags.
        var dry = await (await clinician.GetAsync($"/api/v1/enrollments/{slipping.Id}/drift-evaluation", Ct)).Read<JsonElement>();
        // The attendance rules, the clinical severity raise and the flags.
        Assert.Equal(DriftRuleCodes.Attendance.Count + 1 + DriftRuleCodes.Flags.Count, dry.GetProperty("rules").GetArrayLength());
        Assert.Equal("red", dry.GetProperty("dropoutRisk").GetProperty("severity").GetString());
        Assert.Equal([DriftRuleCodes.BamConcern], dry.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));

        // The inbox holds the dropout alert, the two tasks and the safety alert; never the flag.
        var inbox = await (await CaseManager("cm-a").GetAsync("/api/v1/case-managers/cm-a/alerts", Ct)).Read<CursorPage<AlertDto>>();
        Assert.Equal(new[] { DriftRuleCodes.ConsecutiveMissed, DriftRuleCodes.NoShowOutreach, DriftRuleCodes.NoShowOutreach, DriftRuleCodes.Safety }, inbox.Items.Select(a => a.Rule).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await CaseManager("cm-b").GetAsync("/api/v1/case-managers/cm-a/alerts", Ct)).StatusCode);
        var safety = inbox.Items.Single(a => a.Rule == DriftRuleCodes.Safety);
        Assert.Equal(("safety", "clin-1", "red"), (safety.AlertType, safety.ClinicianId, safety.Severity));

        // Supervisors list the program's alerts, newest first, filtered and paged; case managers use their inbox.
        var reds = await (await Supervisor().GetAsync($"/api/v1/alerts?programId={programId}&severity=red", Ct)).Read<CursorPage<AlertDto>>();
        Assert.Equal(new[] { DriftRuleCodes.ConsecutiveMissed, DriftRuleCodes.Safety }, reds.Items.Select(a => a.Rule).Order(StringComparer.Ordinal));
        var byRule = await (await Supervisor().GetAsync($"/api/v1/alerts?programId={programId}&rule=no_show_outreach&limit=1", Ct)).Read<CursorPage<AlertDto>>();
        var nextPage = await (await Supervisor().GetAsync($"/api/v1/alerts?programId={programId}&rule=no_show_outreach&limit=1&cursor={byRule.NextCursor}", Ct)).Read<CursorPage<AlertDto>>();
        Assert.True(byRule.Items.Single().Id.CompareTo(nextPage.Items.Single().Id) > 0, "newest first");
        Assert.Null(nextPage.NextCursor);
        Assert.NotEmpty((await (await Supervisor().GetAsync("/api/v1/alerts?rule=weekly_hours", Ct)).Problem(HttpStatusCode.BadRequest)).FieldErrors("rule"));
        Assert.Equal(HttpStatusCode.Forbidden, (await CaseManager("cm-a").GetAsync($"/api/v1/alerts?programId={programId}", Ct)).StatusCode);

        // Lifecycle with If-Match on a task: acknowledge, not twice; an outreach attempt logged.
        var cm = CaseManager("cm-a");
        var task = inbox.Items.First(a => a.Rule == DriftRuleCodes.NoShowOutreach);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await Post(cm, $"/api/v1/alerts/{task.Id}/acknowledge", null)).StatusCode);
        var acknowledged = await (await Post(cm, $"/api/v1/alerts/{task.Id}/acknowledge", task.Version)).Read<AlertDto>();
        var conflict = await (await Post(cm, $"/api/v1/alerts/{task.Id}/acknowledge", acknowledged.Version)).Problem(HttpStatusCode.Conflict);
        Assert.Equal(["log_outreach", "escalate", "resolve"], conflict.GetProperty("allowedTransitions").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEmpty((await (await cm.PostJson($"/api/v1/alerts/{task.Id}/outreach-attempts", new { channel = "pigeon", outcome = "reached" })).Problem(HttpStatusCode.BadRequest)).FieldErrors("channel"));
        var afterOutreach = await (await cm.PostJson($"/api/v1/alerts/{task.Id}/outreach-attempts", new
        {
            channel = "call", outcome = "no_answer", barriers = new[] { "transport", "work_schedule" }, note = "Left no message; will try by SMS.",
        })).Read<AlertDto>(HttpStatusCode.Created);
        Assert.Equal(("outreach_attempted", "call", "transport,work_schedule"), (afterOutreach.Status, afterOutreach.OutreachAttempts.Single().Channel, string.Join(",", afterOutreach.OutreachAttempts.Single().Barriers)));
        Assert.Equal(HttpStatusCode.NotFound, (await CaseManager("cm-b").GetAsync($"/api/v1/alerts/{task.Id}", Ct)).StatusCode);

        // 24 h on nobody acknowledged the dropout and safety alerts: escalated once; outreach tasks are to-dos and do not escalate.
        Api.Clock.SetUtcNow(scanTime.AddHours(24).AddMinutes(1));
        await Run(new EscalateAlertsCommand());
        await Run(new EscalateAlertsCommand());
        var states = (await AlertsOf(slipping.Id)).ToDictionary(a => a.Id, a => a.Status);
        Assert.Equal(("escalated", "escalated", "outreach_attempted"), (states[dropout.Id], states[safety.Id], states[task.Id]));
        Assert.Equal("open", states.Single(kv => kv.Key != dropout.Id && kv.Key != safety.Id && kv.Key != task.Id).Value);
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.escalated' AND patient_id = @PatientId", new { slipping.PatientId }));

        // Thursday Dana comes back: the dropout alert resolves itself, with history and an event; the safety alert stays.
        await Present(s4.Id, slipping.Id);
        await Present(s4.Id, steady.Id);
        var back = await Scan(programId);
        Assert.Equal(1, back.AlertsResolvedByReturn);
        var returned = await (await Supervisor().GetAsync($"/api/v1/alerts/{dropout.Id}", Ct)).Read<AlertDto>();
        Assert.Equal(("resolved", AlertResolutions.ResolvedByReturn), (returned.Status, returned.Resolution));
        Assert.Equal([s4.Id], returned.History[^1].Evidence!.Select(e => e.Id));
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.resolved' AND aggregate_id = @Id", new { dropout.Id }));
        Assert.Equal("escalated", (await AlertsOf(slipping.Id)).Single(a => a.Id == safety.Id).Status);

        // Friday and Saturday she is gone again: a NEW alert the case manager sees. Sam's Friday no-show, recorded by staff,
        // gets its one outreach task from the drift job (no second one on a rerun) and no dropout alert.
        Api.Clock.SetUtcNow(s6.EndsAt.AddHours(3));
        await (await Clinician().PostJson($"/api/v1/sessions/{s5.Id}/attendance", new { enrollmentId = steady.Id, status = "absent_unexcused", minutes = 0 })).Read<IdOnly>(HttpStatusCode.Created);
        await Present(s6.Id, steady.Id);
        await FlagMissedSessions();
        var later = await Scan(programId);
        Assert.Equal(2, later.AlertsRaised);
        var dropouts = (await AlertsOf(slipping.Id)).Where(a => a.OpenKey?.EndsWith("|dropout_risk", StringComparison.Ordinal) == true || a.Id == dropout.Id).ToList();
        Assert.Equal(2, dropouts.Count);
        var fresh = Assert.Single(dropouts, a => a.Id != dropout.Id);
        // Two misses are amber; the positive of this week still raises it to red.
        Assert.Equal(("red", "open"), (fresh.Severity, fresh.Status));
        Assert.Equal([s5.Id, s6.Id], EvidenceIds(fresh.Evidence).Take(2));
        var samTask = Assert.Single(await AlertsOf(steady.Id));
        Assert.Equal((DriftRuleCodes.NoShowOutreach, "info", s5.Id), (samTask.RuleCode, samTask.Severity, EvidenceIds(samTask.Evidence).Single()));
        Assert.Equal((0, 0), ((await Scan(programId)).AlertsRaised, (await Scan(programId)).AlertsUpdated));
        Assert.Single(await AlertsOf(steady.Id));
    }

    [Fact]
    public async Task An_active_enrollment_with_no_session_in_the_window_is_evaluated_too()
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var unbooked = await ActiveEnrollment(programId, "Robin", "cm-c", supervisor: "sup-9");
        var booked = await ActiveEnrollment(programId, "Lee", "cm-c", supervisor: "sup-9");
        // The scan takes attendance from one pass over the window's bookings; an enrollment without any must not be skipped.
        await Count("DELETE FROM scheduling_booking WHERE enrollment_id = @Id", new { unbooked.Id });
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @Id", new { unbooked.Id }));
        Assert.NotEqual(0, await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @Id", new { booked.Id }));

        var scan = await (await Supervisor().PostAsync($"/api/v1/programs/{programId}/drift-scan", null, Ct)).Read<DriftScanResultDto>();

        Assert.Equal(2, scan.EnrollmentsEvaluated);
    }

    [Fact]
    public async Task Scan_of_an_unknown_program_is_404_and_case_managers_may_not_scan()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Supervisor().PostAsync($"/api/v1/programs/{Guid.CreateVersion7()}/drift-scan", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await CaseManager("cm-x").PostAsync($"/api/v1/programs/{Guid.CreateVersion7()}/drift-scan", null, Ct)).StatusCode);
    }
}

public sealed class DriftAlertsSqliteTests(AlertsSqliteApi api) : DriftAlertsTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class DriftAlertsPostgresTests(AlertsPostgresApi api) : DriftAlertsTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class DriftAlertsSqlServerTests(AlertsSqlServerApi api) : DriftAlertsTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
