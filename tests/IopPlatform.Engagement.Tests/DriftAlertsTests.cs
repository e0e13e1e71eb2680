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

    [Fact]
    public async Task Drift_job_raises_each_alert_once_with_evidence_and_the_lifecycle_follows()
    {
        var (programId, groupId) = await ProgramWithDailyGroup();
        var slipping = await ActiveEnrollment(programId, "Dana", "cm-a");
        var steady = await ActiveEnrollment(programId, "Sam", "cm-b");
        var sessions = await Sessions(groupId);
        var (s1, s2, s3, s4) = (sessions[0], sessions[1], sessions[2], sessions[3]);

        // Monday evening both attend; Tuesday and Wednesday only the steady patient does.
        Api.Clock.SetUtcNow(s1.EndsAt.AddHours(1));
        await Present(s1.Id, slipping.Id);
        await Present(s1.Id, steady.Id);
        Api.Clock.SetUtcNow(s3.EndsAt.AddHours(3));
        await Present(s2.Id, steady.Id);
        await Present(s3.Id, steady.Id);
        await FlagMissedSessions();

        // SessionMissed → one outreach task (info), the second miss merged into it, due 24 h after the job saw the first.
        var task = Assert.Single(await AlertsOf(slipping.Id));
        Assert.Equal((DriftRuleCodes.NoShowOutreach, "info", "open"), (task.RuleCode, task.Severity, task.Status));
        Assert.Equal([s2.Id, s3.Id], JsonSerializer.Deserialize<List<AlertEvidence>>(task.Evidence, HttpJson.Options)!.Select(e => e.Id));
        var scanTime = Now;

        var first = await (await Supervisor().PostAsync($"/api/v1/programs/{programId}/drift-scan", null, Ct)).Read<DriftScanResultDto>();
        Assert.Equal(2, first.EnrollmentsEvaluated);
        Assert.Equal(2, first.AlertsRaised);
        var alerts = await AlertsOf(slipping.Id);
        // First 28 days: 2 misses without contact are red (one step stricter than 3); 1 of 3 attended is under 0.85.
        // (v7 ids made in the same millisecond are not ordered: compare as sets.)
        Assert.Equal(
            new[] { (DriftRuleCodes.AttendanceRatio, "amber"), (DriftRuleCodes.ConsecutiveMissed, "red"), (DriftRuleCodes.NoShowOutreach, "info") },
            alerts.Select(a => (a.RuleCode, a.Severity)).Order());
        Assert.Empty(await AlertsOf(steady.Id));
        // Stored before announced: every alert has its history row and its alert.raised outbox row.
        Assert.Equal(3, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.raised' AND patient_id = @PatientId", new { slipping.PatientId }));
        Assert.Equal(3, await Count("SELECT COUNT(*) FROM engagement_alert_history h JOIN engagement_alert a ON a.id = h.alert_id WHERE a.enrollment_id = @Id AND h.action = 'raised'", new { slipping.Id }));

        var second = await (await Supervisor().PostAsync($"/api/v1/programs/{programId}/drift-scan", null, Ct)).Read<DriftScanResultDto>();
        Assert.Equal((0, 0), (second.AlertsRaised, second.AlertsUpdated));
        Assert.Equal(3, (await AlertsOf(slipping.Id)).Count);

        // A drug test, a risky BAM and a PHQ-9 with item 9 through the Outcomes API; Thursday's session missed too.
        var clinician = Clinician();
        await (await clinician.PostJson($"/api/v1/enrollments/{slipping.Id}/drug-tests", new
        {
            specimen = "urine",
            method = "point_of_care",
            collectedAt = Now.AddHours(-1),
            analytes = new[] { new { analyte = "buprenorphine", result = "positive" }, new { analyte = "cocaine", result = "positive" } },
        })).Read<IdOnly>(HttpStatusCode.Created);
        await (await clinician.PostJson($"/api/v1/enrollments/{slipping.Id}/measures", new { instrument = "bam", administeredAt = Now.AddHours(-1), answers = new[] { 4, 4, 4, 1, 0, 0, 0, 0, 2, 2, 0, 2, 2, 2, 0, 2, 3 } }))
            .Read<IdOnly>(HttpStatusCode.Created);
        await (await clinician.PostJson($"/api/v1/enrollments/{slipping.Id}/measures", new { instrument = "phq9", administeredAt = Now.AddHours(-1), answers = new[] { 1, 1, 1, 1, 1, 1, 1, 1, 2 } }))
            .Read<IdOnly>(HttpStatusCode.Created);
        Api.Clock.SetUtcNow(s4.EndsAt.AddHours(3));
        await Present(s4.Id, steady.Id);
        await FlagMissedSessions();
        var third = await (await Supervisor().PostAsync($"/api/v1/programs/{programId}/drift-scan", null, Ct)).Read<DriftScanResultDto>();
        Assert.Equal(2, third.AlertsRaised); // drug tests and BAM
        alerts = await AlertsOf(slipping.Id);
        Assert.Equal(
            new[] { DriftRuleCodes.AttendanceRatio, DriftRuleCodes.Bam, DriftRuleCodes.ConsecutiveMissed, DriftRuleCodes.DrugTests, DriftRuleCodes.NoShowOutreach, DriftRuleCodes.Safety },
            alerts.Select(a => a.RuleCode).Order(StringComparer.Ordinal));
        var missed = alerts.Single(a => a.RuleCode == DriftRuleCodes.ConsecutiveMissed);
        Assert.Equal([s2.Id, s3.Id, s4.Id], JsonSerializer.Deserialize<List<AlertEvidence>>(missed.Evidence, HttpJson.Options)!.Select(e => e.Id));
        Assert.Equal("red", alerts.Single(a => a.RuleCode == DriftRuleCodes.Safety).Severity);
        Assert.Equal("amber", alerts.Single(a => a.RuleCode == DriftRuleCodes.DrugTests).Severity); // one unexpected positive; buprenorphine is prescribed

        // Dry run: every rule with inputs, result and basis.
        var dry = await (await clinician.GetAsync($"/api/v1/enrollments/{slipping.Id}/drift-evaluation", Ct)).Read<JsonElement>();
        Assert.True(dry.GetProperty("earlyEpisode").GetBoolean());
        var rules = dry.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(7, rules.Count);
        var consecutive = rules.Single(r => r.GetProperty("rule").GetString() == DriftRuleCodes.ConsecutiveMissed);
        Assert.True(consecutive.GetProperty("fired").GetBoolean());
        Assert.Equal(3, consecutive.GetProperty("inputs").GetProperty("consecutiveMissed").GetInt32());
        Assert.Contains("never an automatic discharge", consecutive.GetProperty("basis").GetString(), StringComparison.Ordinal);
        Assert.False(rules.Single(r => r.GetProperty("rule").GetString() == DriftRuleCodes.WeeklyHours).GetProperty("fired").GetBoolean());

        // Inbox: the case manager sees their own; another case manager may not look; the supervisor may; filters apply.
        var inbox = await (await CaseManager("cm-a").GetAsync("/api/v1/case-managers/cm-a/alerts", Ct)).Read<CursorPage<AlertDto>>();
        Assert.Equal(6, inbox.Items.Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await CaseManager("cm-b").GetAsync("/api/v1/case-managers/cm-a/alerts", Ct)).StatusCode);
        var red = await (await Supervisor().GetAsync("/api/v1/case-managers/cm-a/alerts?severity=red", Ct)).Read<CursorPage<AlertDto>>();
        Assert.Equal(new[] { DriftRuleCodes.ConsecutiveMissed, DriftRuleCodes.Safety }, red.Items.Select(a => a.Rule).Order(StringComparer.Ordinal));
        var safety = red.Items.Single(a => a.Rule == DriftRuleCodes.Safety);
        Assert.Equal(("safety", "clin-1", "cm-a"), (safety.AlertType, safety.ClinicianId, safety.CaseManager!.UserId));
        Assert.Contains(safety.Id, (await (await clinician.GetAsync("/api/v1/case-managers/clin-1/alerts", Ct)).Read<CursorPage<AlertDto>>()).Items.Select(a => a.Id));
        Assert.Contains(AlertFlags.DischargeReview, red.Items.Single(a => a.Rule == DriftRuleCodes.ConsecutiveMissed).Flags);

        // Lifecycle with If-Match: acknowledge, not twice; outreach attempt logged.
        var cm = CaseManager("cm-a");
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await Post(cm, $"/api/v1/alerts/{missed.Id}/acknowledge", null)).StatusCode);
        var detail = await (await cm.GetAsync($"/api/v1/alerts/{missed.Id}", Ct)).Read<AlertDto>();
        Assert.Equal("sup-1", detail.Supervisor!.UserId);
        Assert.Equal(["raised", "evidence_updated"], detail.History.Select(h => h.Action));
        var acknowledged = await (await Post(cm, $"/api/v1/alerts/{missed.Id}/acknowledge", detail.Version)).Read<AlertDto>();
        Assert.Equal("acknowledged", acknowledged.Status);
        var conflict = await (await Post(cm, $"/api/v1/alerts/{missed.Id}/acknowledge", acknowledged.Version)).Problem(HttpStatusCode.Conflict);
        Assert.Equal(["log_outreach", "escalate", "resolve"], conflict.GetProperty("allowedTransitions").EnumerateArray().Select(e => e.GetString()));
        var badOutreach = await (await cm.PostJson($"/api/v1/alerts/{missed.Id}/outreach-attempts", new { channel = "pigeon", outcome = "reached" })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(badOutreach.FieldErrors("channel"));
        var afterOutreach = await (await cm.PostJson($"/api/v1/alerts/{missed.Id}/outreach-attempts", new
        {
            channel = "call", outcome = "no_answer", barriers = new[] { "transport", "work_schedule" }, note = "Left no message; will try by SMS.",
        })).Read<AlertDto>(HttpStatusCode.Created);
        Assert.Equal("outreach_attempted", afterOutreach.Status);
        var attempt = Assert.Single(afterOutreach.OutreachAttempts);
        Assert.Equal(("call", "no_answer", "transport,work_schedule"), (attempt.Channel, attempt.Outcome, string.Join(",", attempt.Barriers)));
        Assert.Equal(HttpStatusCode.NotFound, (await CaseManager("cm-b").GetAsync($"/api/v1/alerts/{missed.Id}", Ct)).StatusCode);

        // 24 h later nobody acknowledged the others: escalated to the supervisor by the job, once.
        Api.Clock.SetUtcNow(scanTime.AddHours(24).AddMinutes(1));
        await Run(new EscalateAlertsCommand());
        await Run(new EscalateAlertsCommand());
        alerts = await AlertsOf(slipping.Id);
        Assert.Equal("escalated", alerts.Single(a => a.RuleCode == DriftRuleCodes.AttendanceRatio).Status);
        Assert.Equal("escalated", alerts.Single(a => a.RuleCode == DriftRuleCodes.NoShowOutreach).Status);
        Assert.Equal("outreach_attempted", alerts.Single(a => a.RuleCode == DriftRuleCodes.ConsecutiveMissed).Status);
        Assert.Equal("open", alerts.Single(a => a.RuleCode == DriftRuleCodes.Bam).Status); // raised later: not yet 24 h
        Assert.Equal("escalated", alerts.Single(a => a.RuleCode == DriftRuleCodes.Safety).Status); // raised with the PHQ-9, before Thursday
        Assert.Equal(3, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.escalated' AND patient_id = @PatientId", new { slipping.PatientId }));
        var supervisorInbox = await (await Supervisor().GetAsync("/api/v1/case-managers/sup-1/alerts?status=escalated", Ct)).Read<CursorPage<AlertDto>>();
        Assert.Equal(3, supervisorInbox.Items.Count);
        var ratio = await (await Supervisor().GetAsync($"/api/v1/alerts/{supervisorInbox.Items.Single(a => a.Rule == DriftRuleCodes.AttendanceRatio).Id}", Ct)).Read<AlertDto>();
        Assert.Contains(ratio.History, h => h.Action == "escalated" && h.Actor == "system:escalation-job" && h.Detail!.Contains("sup-1", StringComparison.Ordinal));

        // Resolved: the key frees up, and the same evidence does not raise the alert again.
        var resolved = await (await Post(cm, $"/api/v1/alerts/{missed.Id}/resolve", afterOutreach.Version, new { resolution = "reengaged", note = "Back on Monday." })).Read<AlertDto>();
        Assert.Equal(("resolved", "reengaged: Back on Monday."), (resolved.Status, resolved.Resolution));
        Assert.Empty(resolved.AllowedTransitions);
        await (await Supervisor().PostAsync($"/api/v1/programs/{programId}/drift-scan", null, Ct)).Read<DriftScanResultDto>();
        var consecutiveAlerts = (await AlertsOf(slipping.Id)).Where(a => a.RuleCode == DriftRuleCodes.ConsecutiveMissed).ToList();
        var only = Assert.Single(consecutiveAlerts);
        Assert.Null(only.OpenKey);
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
