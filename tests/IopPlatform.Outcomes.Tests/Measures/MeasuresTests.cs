using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Measures;

public abstract class MeasuresTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : OutcomesApiBase
{
    private DateTimeOffset Now => Api.Clock.GetUtcNow();

    private HttpClient Clinician() => Api.ClientAs(Roles.Clinician, "clin-1");

    private static string Url(Guid enrollmentId) => $"/api/v1/enrollments/{enrollmentId}/measures";

    private Task<HttpResponseMessage> Submit(HttpClient client, Guid enrollmentId, string instrument, int[] answers, DateTimeOffset? at = null, string? sex = null) =>
        client.PostJson(Url(enrollmentId), new { instrument, administeredAt = at ?? Now.AddHours(-1), answers, sex });

    private Task<long> MeasuresOf(Guid enrollmentId) =>
        Db.Count(Api, "SELECT COUNT(*) FROM outcomes_measure WHERE enrollment_id = @e", ("e", enrollmentId));

    [Fact]
    public async Task Phq9_is_scored_by_the_server_and_reliable_change_is_against_the_first_score()
    {
        var enrollment = await Api.EnrollAsync(20);
        var client = Clinician();

        var created = await Submit(client, enrollment.EnrollmentId, "phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], Now.AddDays(-14));
        var baseline = await created.Read<MeasureResultDto>(HttpStatusCode.Created);
        Assert.Equal(20, baseline.Total);
        Assert.Equal("severe", baseline.Band);
        Assert.Equal("baseline", baseline.ReliableChange);
        Assert.Equal(enrollment.PatientId, baseline.PatientId);
        Assert.Equal("clin-1", baseline.RecordedBy);
        Assert.Empty(baseline.Flags);
        Assert.Equal($"/api/v1/enrollments/{enrollment.EnrollmentId}/measures/{baseline.Id}", created.Headers.Location?.OriginalString);

        var small = await (await Submit(client, enrollment.EnrollmentId, "phq9", [3, 3, 3, 3, 3, 1, 0, 0, 0], Now.AddDays(-7))).Read<MeasureResultDto>(HttpStatusCode.Created);
        Assert.Equal(16, small.Total);
        Assert.Equal("no_reliable_change", small.ReliableChange);
        Assert.Equal(20, small.BaselineTotal);

        var improved = await (await Submit(client, enrollment.EnrollmentId, "phq9", [3, 3, 3, 3, 3, 0, 0, 0, 0])).Read<MeasureResultDto>(HttpStatusCode.Created);
        Assert.Equal(15, improved.Total);
        Assert.Equal("moderately_severe", improved.Band);
        Assert.Equal("improved", improved.ReliableChange);

        Assert.Equal(3, await MeasuresOf(enrollment.EnrollmentId));
        Assert.Equal(3, Api.Published.Of<MeasureScored>().Count(m => m.EnrollmentId == enrollment.EnrollmentId));
        Assert.Equal(3, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_outbox WHERE event_type = 'measure.scored' AND payload LIKE @p", ("p", $"%{enrollment.EnrollmentId}%")));

        var fetched = await (await client.GetAsync($"{Url(enrollment.EnrollmentId)}/{improved.Id}", Ct)).Read<MeasureResultDto>();
        Assert.Equal("improved", fetched.ReliableChange);
        Assert.Equal([3, 3, 3, 3, 3, 0, 0, 0, 0], fetched.Answers);
    }

    [Fact]
    public async Task Phq9_item9_raises_a_safety_alert_with_its_outbox_event_and_a_notification()
    {
        var enrollment = await Api.EnrollAsync(5);

        var result = await (await Submit(Clinician(), enrollment.EnrollmentId, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2])).Read<MeasureResultDto>(HttpStatusCode.Created);

        Assert.Equal(["suicidal_ideation"], result.Flags);
        Assert.Equal("minimal", result.Band);
        Assert.Equal(1, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_safety_alert WHERE measure_id = @m AND item_score = 2 AND status = 'open'", ("m", result.Id)));
        var alert = Assert.Single(Api.Published.Of<SafetyConcernRaised>(), s => s.MeasureId == result.Id);
        Assert.Equal("cm-1", alert.CaseManagerId);
        Assert.Equal("counsellor-1", alert.PrimaryCounsellorId);
        Assert.Equal(1, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_outbox WHERE event_type = 'safety.alert_raised' AND aggregate_id = @a", ("a", alert.AlertId)));
    }

    [Fact]
    public async Task No_safety_alert_when_item9_is_zero()
    {
        var enrollment = await Api.EnrollAsync(5);

        var result = await (await Submit(Clinician(), enrollment.EnrollmentId, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])).Read<MeasureResultDto>(HttpStatusCode.Created);

        Assert.Equal(0, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_safety_alert WHERE measure_id = @m", ("m", result.Id)));
        Assert.DoesNotContain(Api.Published.Of<SafetyConcernRaised>(), s => s.MeasureId == result.Id);
    }

    [Fact]
    public async Task Wrong_item_count_out_of_range_answer_and_future_time_are_precise_400s_and_store_nothing()
    {
        var enrollment = await Api.EnrollAsync(5);
        var client = Clinician();

        var eight = await (await Submit(client, enrollment.EnrollmentId, "phq9", [0, 0, 0, 0, 0, 0, 0, 0])).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["PHQ-9 needs exactly 9 answers; got 8."], eight.FieldErrors("answers"));

        var four = await (await Submit(client, enrollment.EnrollmentId, "phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0])).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["PHQ-9 item 4 must be between 0 and 3; got 4."], four.FieldErrors("answers[3]"));

        var future = await (await Submit(client, enrollment.EnrollmentId, "gad7", [0, 0, 0, 0, 0, 0, 0], Now.AddMinutes(5))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["Administered at must not be in the future."], future.FieldErrors("administeredAt"));

        var noSex = await (await Submit(client, enrollment.EnrollmentId, "audit_c", [1, 1, 1])).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(noSex.FieldErrors("sex"));

        var unknown = await (await Submit(client, enrollment.EnrollmentId, "phq-9", [0])).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(unknown.FieldErrors("instrument"));

        Assert.Equal(0, await MeasuresOf(enrollment.EnrollmentId));
        Assert.DoesNotContain(Api.Published.Of<MeasureScored>(), m => m.EnrollmentId == enrollment.EnrollmentId);
    }

    [Fact]
    public async Task Unknown_enrollment_is_404()
    {
        var problem = await (await Submit(Clinician(), Guid.CreateVersion7(), "gad7", [0, 0, 0, 0, 0, 0, 0])).Problem(HttpStatusCode.NotFound);
        Assert.Contains("Enrollment", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bam_returns_subscales_and_the_latest_bam_query_serves_many_enrollments()
    {
        var a = await Api.EnrollAsync(10);
        var b = await Api.EnrollAsync(10);
        var none = await Api.EnrollAsync(10);
        var client = Clinician();
        int[] risky = [4, 4, 4, 1, 0, 0, 0, 0, 2, 2, 0, 2, 0, 4, 0, 2, 3];
        await (await Submit(client, a.EnrollmentId, "bam", new int[17], Now.AddDays(-8))).Read<MeasureResultDto>(HttpStatusCode.Created);
        var latest = await (await Submit(client, a.EnrollmentId, "bam", risky, Now.AddDays(-1))).Read<MeasureResultDto>(HttpStatusCode.Created);
        await (await Submit(client, b.EnrollmentId, "bam", new int[17], Now.AddDays(-2))).Read<MeasureResultDto>(HttpStatusCode.Created);

        Assert.Null(latest.Total);
        Assert.Equal([("use", 1, true), ("risk", 12, true), ("protective", 12, true)], latest.Subscales.Select(s => (s.Name, s.Score, s.Concern)));
        Assert.Equal(["bam_use_concern", "bam_risk_concern", "bam_protective_concern"], latest.Flags);

        using var scope = Api.Services.CreateScope();
        var bams = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetLatestBamQuery([a.EnrollmentId, b.EnrollmentId, none.EnrollmentId]), Ct);
        Assert.Equal(2, bams.Count);
        var forA = Assert.Single(bams, x => x.EnrollmentId == a.EnrollmentId);
        Assert.Equal((latest.Id, 1, 12, 12), (forA.MeasureId, forA.Use, forA.Risk, forA.Protective));
        Assert.NotEqual(latest.Id, forA.Intake!.MeasureId);
        Assert.Equal((0, 0), (forA.Intake.Use, forA.Intake.Risk));
        var forB = Assert.Single(bams, x => x.EnrollmentId == b.EnrollmentId);
        Assert.Equal(forB.MeasureId, forB.Intake!.MeasureId);
        Assert.Equal(0, Assert.Single(bams, x => x.EnrollmentId == b.EnrollmentId).Risk);
    }

    [Fact]
    public async Task Trend_lists_one_instrument_page_by_page()
    {
        var enrollment = await Api.EnrollAsync(30);
        var client = Clinician();
        for (var i = 0; i < 3; i++)
        {
            await (await Submit(client, enrollment.EnrollmentId, "gad7", [3, 3, 3, 3 - i, 0, 0, 0], Now.AddDays(-21 + (7 * i)))).Read<MeasureResultDto>(HttpStatusCode.Created);
        }
        await (await Submit(client, enrollment.EnrollmentId, "phq9", new int[9])).Read<MeasureResultDto>(HttpStatusCode.Created);

        var reader = Api.ClientAs(Roles.CaseManager);
        var first = await (await reader.GetAsync($"{Url(enrollment.EnrollmentId)}?instrument=gad7&limit=2", Ct)).Read<CursorPageOf<MeasureResultDto>>();
        var second = await (await reader.GetAsync($"{Url(enrollment.EnrollmentId)}?instrument=gad7&limit=2&cursor={first.NextCursor}", Ct)).Read<CursorPageOf<MeasureResultDto>>();

        Assert.Equal([12, 11, 10], first.Items.Concat(second.Items).Select(m => m.Total!.Value));
        Assert.Null(second.NextCursor);
        Assert.Equal(["baseline", "no_reliable_change", "no_reliable_change"], first.Items.Concat(second.Items).Select(m => m.ReliableChange!));
        await (await reader.GetAsync($"{Url(enrollment.EnrollmentId)}?instrument=nope", Ct)).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Case_managers_read_but_do_not_submit_measures()
    {
        var enrollment = await Api.EnrollAsync(5);
        var caseManager = Api.ClientAs(Roles.CaseManager);

        Assert.Equal(HttpStatusCode.Forbidden, (await Submit(caseManager, enrollment.EnrollmentId, "gad7", new int[7])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await caseManager.GetAsync(Url(enrollment.EnrollmentId), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Anonymous().GetAsync(Url(enrollment.EnrollmentId), Ct)).StatusCode);
        Assert.Equal(0, await MeasuresOf(enrollment.EnrollmentId));
    }

    [Fact]
    public async Task Measures_due_follow_the_default_cadence_then_the_programs_own()
    {
        var enrollment = await Api.EnrollAsync(3);
        var client = Clinician();
        var dueUrl = $"{Url(enrollment.EnrollmentId)}/due";

        var initial = await (await client.GetAsync(dueUrl, Ct)).ReadItems<MeasureDueDto>();
        // A page is in the order of its cursor key, the instrument.
        Assert.Equal([("bam", 7, true), ("gad7", 14, true), ("phq9", 14, true)], initial.Select(d => (d.Instrument, d.IntervalDays, d.Due)));
        Assert.All(initial, d => Assert.Equal(enrollment.AdmittedAt, d.DueAt));

        var given = Now.AddDays(-1);
        await (await Submit(client, enrollment.EnrollmentId, "phq9", new int[9], given)).Read<MeasureResultDto>(HttpStatusCode.Created);
        var afterPhq = await (await client.GetAsync(dueUrl, Ct)).ReadItems<MeasureDueDto>();
        var phq = Assert.Single(afterPhq, d => d.Instrument == "phq9");
        Assert.False(phq.Due);
        Assert.Equal(given.AddDays(14), phq.DueAt);
        Assert.Equal(given, phq.LastAdministeredAt);

        // The enrollment's program is real (Enrollment's); without configuration it runs on the defaults.
        var cadence = await (await Api.Admin().GetAsync($"/api/v1/programs/{enrollment.ProgramId}/measure-cadence", Ct)).Read<ProgramMeasureCadenceDto>();
        Assert.True(cadence.IsDefault);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Admin().GetAsync($"/api/v1/programs/{Guid.CreateVersion7()}/measure-cadence", Ct)).StatusCode);
    }

    [Fact]
    public async Task Program_cadence_needs_if_match_and_replaces_the_defaults()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Cadence site", timeZone = "America/Chicago" })).Read<JsonElement>(HttpStatusCode.Created);
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.GetProperty("id").GetGuid(), name = "Cadence IOP", levelOfCare = "asam-3:2.1" })).Read<JsonElement>(HttpStatusCode.Created);
        var programId = program.GetProperty("id").GetGuid();
        var url = $"/api/v1/programs/{programId}/measure-cadence";

        var defaults = await admin.GetAsync(url, Ct);
        Assert.Equal("\"0\"", defaults.Headers.ETag?.Tag);
        Assert.True((await defaults.Read<ProgramMeasureCadenceDto>()).IsDefault);

        var body = new { cadence = new[] { new { instrument = "bam", intervalDays = (int?)3 }, new { instrument = "pcl5", intervalDays = (int?)30 } } };
        await (await admin.PutAsJson(url, body, null)).Problem(HttpStatusCode.PreconditionRequired);
        var invalid = await (await admin.PutAsJson(url, new { cadence = new[] { new { instrument = "bam", intervalDays = 0 } } }, "\"0\"")).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(invalid.FieldErrors("cadence[0].intervalDays"));

        var set = await admin.PutAsJson(url, body, "\"0\"");
        var cadence = await set.Read<ProgramMeasureCadenceDto>();
        Assert.Equal("\"1\"", set.Headers.ETag?.Tag);
        Assert.False(cadence.IsDefault);
        Assert.Equal([("phq9", null), ("gad7", null), ("bam", 3), ("audit_c", null), ("pcl5", 30)], cadence.Cadence.Select(c => (c.Instrument, c.IntervalDays)));
        await (await admin.PutAsJson(url, body, "\"0\"")).Problem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.ClientAs(Roles.Clinician).PutAsJson(url, body, "\"1\"")).StatusCode);

        var enrollment = await Api.EnrollAsync(3, programId);
        var due = await (await admin.GetAsync($"{Url(enrollment.EnrollmentId)}/due", Ct)).ReadItems<MeasureDueDto>();
        Assert.Equal([("bam", 3), ("pcl5", 30)], due.Select(d => (d.Instrument, d.IntervalDays)));
    }

    // Issue 18 item 5. PCL-5 cut-off 31–33 (Bovin MJ et al., Psychol Assess 2016;28(11):1379–1391), per program; the
    // DSM-5 cluster rule beside it and the 10-point change as clinically meaningful (National Center for PTSD, PCL-5).
    //   program cut-off | PCL-5 total | band
    //   31              | 31          | provisional_ptsd
    //   default 33      | 31          | below_threshold
    [Fact]
    public async Task Pcl5_cut_off_is_per_program_with_the_cluster_rule_and_a_clinically_meaningful_change()
    {
        var veterans = await Api.CreateProgramAsync("Veterans IOP");
        var url = $"/api/v1/programs/{veterans.Id}/pcl5-cut-off";
        var admin = Api.Admin();
        var initial = await (await admin.GetAsync(url, Ct)).Read<ProgramPcl5CutOffDto>();
        Assert.Equal((33, true), (initial.ProvisionalPtsdThreshold, initial.IsDefault));
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.PutAsJson(url, new { provisionalPtsdThreshold = 31 }, null)).StatusCode);
        Assert.NotEmpty((await (await admin.PutAsJson(url, new { provisionalPtsdThreshold = 34 }, "\"0\"")).Problem(HttpStatusCode.BadRequest)).FieldErrors("provisionalPtsdThreshold"));
        var set = await (await admin.PutAsJson(url, new { provisionalPtsdThreshold = 31 }, "\"0\"")).Read<ProgramPcl5CutOffDto>();
        Assert.Equal((31, false), (set.ProvisionalPtsdThreshold, set.IsDefault));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.PutAsJson(url, new { provisionalPtsdThreshold = 32 }, "\"0\"")).StatusCode);

        var veteran = await Api.EnrollAsync(30, veterans.Id);
        var other = await Api.EnrollAsync(30);
        // Total 31 with B 1, C 1, D 2, E 2 items rated 2 or more.
        int[] answers = [4, 1, 1, 1, 1, 4, 1, 4, 4, 1, 0, 0, 0, 0, 4, 4, 1, 0, 0, 0];
        var client = Clinician();
        var scored = await (await Submit(client, veteran.EnrollmentId, "pcl5", answers, Now.AddDays(-20))).Read<MeasureResultDto>(HttpStatusCode.Created);
        Assert.Equal((31, "provisional_ptsd"), (scored.Total, scored.Band));
        Assert.Equal(["provisional_ptsd", "pcl5_dsm5_clusters_met"], scored.Flags);
        var elsewhere = await (await Submit(client, other.EnrollmentId, "pcl5", answers, Now.AddDays(-20))).Read<MeasureResultDto>(HttpStatusCode.Created);
        Assert.Equal((31, "below_threshold"), (elsewhere.Total, elsewhere.Band));
        Assert.Equal(["pcl5_dsm5_clusters_met"], elsewhere.Flags);

        int[] better = [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0];
        var later = await (await Submit(client, veteran.EnrollmentId, "pcl5", better, Now.AddDays(-1))).Read<MeasureResultDto>(HttpStatusCode.Created);
        Assert.Equal((14, (string?)null, "improved", (int?)31), (later.Total, later.ReliableChange, later.ClinicallyMeaningfulChange, later.BaselineTotal));
    }

    // Issue 18 item 1: a BAM may carry the patient's last-use date (it dates the use the 30-day look-back reports).
    [Fact]
    public async Task A_bam_records_a_self_reported_last_use_date_and_nothing_else_does()
    {
        var enrollment = await Api.EnrollAsync(20);
        var client = Clinician();
        var url = $"/api/v1/enrollments/{enrollment.EnrollmentId}/measures";
        int[] used = [0, 0, 0, 2, 1, 0, 0, 0, 4, 4, 0, 4, 4, 4, 0, 4, 0];
        var administered = Now.AddHours(-1);
        var lastUse = DateOnly.FromDateTime(administered.UtcDateTime).AddDays(-12);
        var onPhq9 = await (await client.PostJson(url, new { instrument = "phq9", administeredAt = administered, answers = new int[9], lastUseOn = lastUse })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(onPhq9.FieldErrors("lastUseOn"));
        var afterTheBam = await (await client.PostJson(url, new { instrument = "bam", administeredAt = administered, answers = used, lastUseOn = DateOnly.FromDateTime(administered.UtcDateTime).AddDays(1) })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(afterTheBam.FieldErrors("lastUseOn"));
        var bam = await (await client.PostJson(url, new { instrument = "bam", administeredAt = administered, answers = used, lastUseOn = lastUse })).Read<MeasureResultDto>(HttpStatusCode.Created);
        Assert.Equal(lastUse, bam.LastUseOn);
        var milestones = await (await client.GetAsync($"/api/v1/enrollments/{enrollment.EnrollmentId}/milestones", Ct)).Read<JsonElement>();
        Assert.Contains($"last use {lastUse:yyyy-MM-dd}", milestones.GetRawText(), StringComparison.Ordinal);
    }
}

/// <summary>The JSON shape of a cursor page.</summary>
public sealed record CursorPageOf<T>(IReadOnlyList<T> Items, string? NextCursor);

internal static class PutJson
{
    public static Task<HttpResponseMessage> PutAsJson<T>(this HttpClient client, string url, T body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> PostAsJson<T>(this HttpClient client, string url, T body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}

public sealed class MeasuresTestsOnSqlite(OutcomesSqliteApi api) : MeasuresTests<OutcomesSqliteApi>(api), IClassFixture<OutcomesSqliteApi>;

public sealed class MeasuresTestsOnPostgres(OutcomesPostgresApi api) : MeasuresTests<OutcomesPostgresApi>(api), IClassFixture<OutcomesPostgresApi>;

public sealed class MeasuresTestsOnSqlServer(OutcomesSqlServerApi api) : MeasuresTests<OutcomesSqlServerApi>(api), IClassFixture<OutcomesSqlServerApi>;
