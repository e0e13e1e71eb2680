using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Reports;

/// <summary>
/// The outcome report over a cohort of twelve real enrollments (admitted through Enrollment's API with back-dated
/// admission dates), one attended session (Scheduling), drug tests and measures. Every expected figure is a literal
/// worked out by hand below; the report runs on 2026-04-06 (the class clock's start + 35 days).
/// </summary>
public abstract class OutcomeReportTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : OutcomesApiBase
{
    private DateTimeOffset Now => Api.Clock.GetUtcNow();

    private HttpClient Clinician() => Api.ClientAs(Roles.Clinician, "clin-report");

    private async Task Test(Guid enrollmentId, int daysAgo, string result = "negative") =>
        await (await Clinician().PostJson($"/api/v1/enrollments/{enrollmentId}/drug-tests", new
        {
            specimen = "urine",
            method = "point_of_care",
            collectedAt = Now.AddDays(-daysAgo),
            analytes = new[] { new { analyte = "cocaine", result } },
        })).Read<DrugTestDto>(HttpStatusCode.Created);

    /// <summary>A negative test in each of the four weeks before now: with 35 days since admission, milestone 1 is met.</summary>
    private async Task Weekly(Guid enrollmentId)
    {
        foreach (var day in new[] { 1, 8, 15, 22 })
        {
            await Test(enrollmentId, day);
        }
    }

    private async Task Measure(Guid enrollmentId, string instrument, int daysAgo, int[] answers) =>
        await (await Clinician().PostJson($"/api/v1/enrollments/{enrollmentId}/measures", new { instrument, administeredAt = Now.AddDays(-daysAgo), answers }))
            .Read<MeasureResultDto>(HttpStatusCode.Created);

    [Fact]
    public async Task Report_matches_a_hand_computed_cohort_of_twelve_enrollments()
    {
        // The cohort's dates are fixed around the clock's start (Mon 2026-03-02 09:00Z); this is the class's only test.
        Assert.Equal(ApiFactory.Start, Now);
        var admin = Api.Admin();
        var program = await Api.CreateProgramAsync("Report IOP");
        var group = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = program.SiteId,
            name = "Tuesday evening",
            track = "adult",
            sessionKind = "group_recovery",
            capacity = 12,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = new[] { "tuesday" },
            startTime = "18:00",
            endTime = "21:00",
            firstDate = "2026-03-03",
            lastDate = "2026-03-03",
        })).Read<JsonElement>(HttpStatusCode.Created);
        var groupId = group.GetProperty("id").GetGuid();

        async Task<EnrollmentDto> Admit(string date) =>
            await Api.AdmitNewPatientAsync(program.Id, admissionDate: DateOnly.Parse(date, CultureInfo.InvariantCulture));
        var e1 = await Admit("2025-12-01");
        var e2 = await Admit("2025-12-08");
        var e3 = await Admit("2025-12-15");
        var e4 = await Admit("2025-12-22");
        var e5 = await Admit("2026-01-05");
        var e6 = await Admit("2026-01-12");
        var e7 = await Admit("2026-01-19");
        var e8 = await Admit("2026-01-27");
        var e9 = await Admit("2026-02-03");
        var e10 = await Admit("2026-02-16");
        var e11 = await Admit("2026-03-02");
        var e12 = await Admit("2026-03-02");
        foreach (var booked in new[] { e8, e9 })
        {
            Assert.True((await admin.PostJson($"/api/v1/groups/{groupId}/members", new { enrollmentId = booked.Id })).IsSuccessStatusCode);
        }

        Api.Clock.Advance(TimeSpan.FromDays(35));
        Assert.Equal(new DateOnly(2026, 4, 6), DateOnly.FromDateTime(Now.UtcDateTime));

        // Attendance: the one 3-hour session (Tue 3 March): e8 present for all 180 minutes, e9 for 135.
        var session = Assert.Single(await (await admin.GetAsync($"/api/v1/groups/{groupId}/sessions", Ct)).ReadItems<JsonElement>()).GetProperty("id").GetGuid();
        Assert.True((await admin.PostJson($"/api/v1/sessions/{session}/attendance", new { enrollmentId = e8.Id, status = "present" })).IsSuccessStatusCode);
        Assert.True((await admin.PostJson($"/api/v1/sessions/{session}/attendance", new { enrollmentId = e9.Id, status = "present", minutes = 135 })).IsSuccessStatusCode);

        // Abstinence (milestone 1): e1, e2, e5, e8 tested negative weekly; e9 too, but positive 5 days ago.
        foreach (var abstinent in new[] { e1, e2, e5, e8, e9 })
        {
            await Weekly(abstinent.Id);
        }
        await Test(e9.Id, 5, "positive");

        // PHQ-9 / GAD-7: first score is the baseline, the latest decides.
        await Measure(e1.Id, "phq9", 30, [3, 3, 3, 3, 3, 3, 2, 0, 0]); // 20
        await Measure(e1.Id, "phq9", 2, [3, 3, 3, 3, 0, 0, 0, 0, 0]);  // 12: drop 8 >= 5, improved
        await Measure(e2.Id, "gad7", 30, [3, 3, 3, 3, 3, 0, 0]);       // 15
        await Measure(e2.Id, "gad7", 2, [3, 3, 3, 3, 1, 0, 0]);        // 13: drop 2 < 4, not improved
        await Measure(e2.Id, "phq9", 2, [3, 3, 3, 3, 3, 0, 0, 0, 0]);  // a single PHQ-9: no follow-up on it
        await Measure(e3.Id, "phq9", 30, [3, 3, 3, 3, 3, 0, 0, 0, 0]); // 15
        await Measure(e3.Id, "phq9", 2, [3, 3, 3, 3, 3, 1, 0, 0, 0]);  // 16: worse, not improved
        await Measure(e5.Id, "phq9", 30, [3, 3, 3, 1, 0, 0, 0, 0, 0]); // 10
        await Measure(e5.Id, "phq9", 2, [3, 2, 0, 0, 0, 0, 0, 0, 0]);  // 5: drop 5, improved
        await Measure(e8.Id, "gad7", 30, [3, 3, 3, 3, 0, 0, 0]);       // 12
        await Measure(e8.Id, "gad7", 2, [3, 3, 2, 0, 0, 0, 0]);        // 8: drop 4, improved
        await Measure(e9.Id, "phq9", 2, [3, 3, 3, 0, 0, 0, 0, 0, 0]);  // baseline only: no follow-up

        await Api.DischargeAsync(e1, "completed", new DateOnly(2026, 2, 16));             // LOS 77
        await Api.DischargeAsync(e2, "completed", new DateOnly(2026, 3, 9));              // LOS 91
        await Api.DischargeAsync(e5, "completed", new DateOnly(2026, 3, 30));             // LOS 84
        await Api.DischargeAsync(e3, "left_before_completion", new DateOnly(2025, 12, 30)); // LOS 15
        await Api.DischargeAsync(e4, "left_before_completion", new DateOnly(2026, 2, 10));  // LOS 50
        await Api.DischargeAsync(e6, "left_before_completion", new DateOnly(2026, 1, 20));  // LOS 8
        await Api.DischargeAsync(e12, "left_before_completion", new DateOnly(2026, 3, 20)); // LOS 18
        await Api.DischargeAsync(e7, "administrative", new DateOnly(2026, 2, 1));
        _ = e10;
        _ = e11;

        var url = $"/api/v1/programs/{program.Id}/outcome-report";
        var report = await (await Api.ClientAs(Roles.Supervisor).GetAsync(url, Ct)).Read<ProgramOutcomeReportDto>();
        var p = report.Program;

        Assert.Equal(("program", program.Id.ToString()), (p.GroupBy, p.Key));
        // admitted 12; active e8..e11 = 4; completed e1,e2,e5 = 3; dropped out e3,e4,e6,e12 = 4; other e7 = 1.
        Assert.Equal((12, 4, 3, 4, 1), (p.Admitted, p.Active, p.Completed, p.DroppedOut, p.OtherDischarges));
        // Day 30: all 12 admitted by 2026-03-07. Lost before day 30: e3 (12-30 < 01-14), e6 (01-20 < 02-11),
        //   e7 (02-01 < 02-18), e12 (03-20 < 04-01); e4 left 02-10 >= 01-21 → 8/12 = 0.6667.
        // Day 60: admitted by 2026-02-05 → e1..e9 = 9. Retained: e1, e2, e5 (completed), e8, e9 (active);
        //   e4 left 02-10 < 02-20 → 5/9 = 0.5556.
        // Day 90: admitted by 2026-01-06 → e1..e5 = 5. Retained e1, e2, e5 → 3/5 = 0.6.
        Assert.Equal([(30, 12, 8, 0.6667m), (60, 9, 5, 0.5556m), (90, 5, 3, 0.6m)], p.Retention.Select(r => (r.Day, r.Eligible, r.Retained, r.Rate!.Value)));
        // Completers 77, 84, 91 → median 84. Dropouts 8, 15, 18, 50 → (15 + 18) / 2 = 16.5.
        Assert.Equal(84m, p.MedianLengthOfStayCompleted);
        Assert.Equal(16.5m, p.MedianLengthOfStayDroppedOut);
        // e8: 3 h over 01-27..04-06 = 70 days = 10 weeks → 0.3; e9: 2.25 h over 02-03..04-06 = 63 days = 9 weeks → 0.25;
        // the other ten 0 → (0.3 + 0.25) / 12 = 0.04583 → 0.05.
        Assert.Equal(0.05m, p.MeanAttendedHoursPerWeek);
        // Observed >= 30 days (discharge date or 04-06, minus admission): e1 77, e2 91, e4 50, e5 84, e8 69, e9 62, e10 49,
        // e11 35 = 8; not e3 15, e6 8, e7 13, e12 18. Abstinent among them: e1, e2, e5, e8 → 4/8 = 0.5 (was 4/12 over
        // every admission, diluted by episodes too short to show 30 days).
        Assert.Equal((8, 4, 0.5m), (p.ObservedAtLeast30Days, p.Abstinent30Days, p.Abstinent30DaysShare!.Value));
        // Over the 8 discharges (e1, e2, e5 completed; e3, e4, e6, e12 dropped out; e7 administrative): 3/8 and 4/8.
        Assert.Equal((8, 0.375m, 0.5m), (p.Discharged, p.CompletionRate!.Value, p.DropoutRate!.Value));
        // Median stay by reason: completed 84 (3), left_before_completion 16.5 (4), administrative e7 01-19..02-01 = 13 (1).
        Assert.Equal(
            [("completed", 3, (decimal?)84m), ("left_before_completion", 4, 16.5m), ("administrative", 1, 13m), ("transferred_higher_level", 0, null),
             ("stepped_down", 0, null), ("incarcerated", 0, null), ("deceased", 0, null), ("other", 0, null)],
            p.LengthOfStayByDischargeReason.Select(r => (r.Reason, r.Discharges, r.MedianDays)));
        // Follow-up scores: e1, e2, e3, e5, e8 = 5; improved e1, e5, e8 = 3 → 0.6.
        Assert.Equal((5, 3, 0.6m), (p.WithFollowUpScore, p.ReliablyImproved, p.ReliablyImprovedShare!.Value));

        var site = Assert.Single(report.BySite);
        Assert.Equal(("site", program.SiteId.ToString(), 12), (site.GroupBy, site.Key, site.Admitted));
        // 2025-12: e1..e4 (completed e1, e2; dropped e3, e4); 2026-01: e5..e8 (active e8; completed e5; dropped e6; other e7);
        // 2026-02: e9, e10 (active); 2026-03: e11 (active), e12 (dropped).
        Assert.Equal(
            [("2025-12", 4, 0, 2, 2, 0), ("2026-01", 4, 1, 1, 1, 1), ("2026-02", 2, 2, 0, 0, 0), ("2026-03", 2, 1, 0, 1, 0)],
            report.ByAdmissionMonth.Select(m => (m.Key, m.Admitted, m.Active, m.Completed, m.DroppedOut, m.OtherDischarges)));
        // December day 30: e1, e2, e4 retained, e3 not → 3/4.
        Assert.Equal(0.75m, report.ByAdmissionMonth[0].Retention[0].Rate);

        // Admission-date window: January only → e5..e8.
        var january = await (await admin.GetAsync($"{url}?from=2026-01-01&to=2026-01-31", Ct)).Read<ProgramOutcomeReportDto>();
        Assert.Equal((4, 1, 1), (january.Program.Admitted, january.Program.Completed, january.Program.DroppedOut));

        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, url);
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csvResponse = await admin.SendAsync(csvRequest, Ct);
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await csvResponse.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 1 + 1 + 4, lines.Length);
        Assert.StartsWith("group_by,key,admitted,active,completed,dropped_out,other_discharges,retention_30_eligible", lines[0], StringComparison.Ordinal);
        Assert.Equal($"program,{program.Id},12,4,3,4,1,12,8,0.6667,9,5,0.5556,5,3,0.6,84,16.5,0.05,4,0.5,5,3,0.6,8,8,0.375,0.5,3,84,4,16.5,1,13,0,,0,,0,,0,,0,", lines[1]);
        Assert.EndsWith(",observed_30_days,discharged,completion_rate,dropout_rate,discharges_completed,median_los_completed,discharges_left_before_completion,median_los_left_before_completion,discharges_administrative,median_los_administrative,discharges_transferred_higher_level,median_los_transferred_higher_level,discharges_stepped_down,median_los_stepped_down,discharges_incarcerated,median_los_incarcerated,discharges_deceased,median_los_deceased,discharges_other,median_los_other", lines[0], StringComparison.Ordinal);

        await (await admin.GetAsync($"{url}?from=2026-02-01&to=2026-01-01", Ct)).Problem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync($"/api/v1/programs/{Guid.CreateVersion7()}/outcome-report", Ct)).Problem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Api.PartnerClientAsync()).Http.GetAsync(url, Ct)).StatusCode);
    }
}

public sealed class OutcomeReportTestsOnSqlite(OutcomesSqliteApi api) : OutcomeReportTests<OutcomesSqliteApi>(api), IClassFixture<OutcomesSqliteApi>;

public sealed class OutcomeReportTestsOnPostgres(OutcomesPostgresApi api) : OutcomeReportTests<OutcomesPostgresApi>(api), IClassFixture<OutcomesPostgresApi>;

public sealed class OutcomeReportTestsOnSqlServer(OutcomesSqlServerApi api) : OutcomeReportTests<OutcomesSqlServerApi>(api), IClassFixture<OutcomesSqlServerApi>;
