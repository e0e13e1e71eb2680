using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Outcomes.Tests.Measures;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Outcomes.Tests.DrugTests;

public abstract class DrugTestsTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : OutcomesApiBase
{
    private DateTimeOffset Now => Api.Clock.GetUtcNow();

    private HttpClient Clinician() => Api.ClientAs(Roles.Clinician, "clin-dt");

    private static string Url(Guid enrollmentId) => $"/api/v1/enrollments/{enrollmentId}/drug-tests";

    private object Urine(params (string Analyte, string Result)[] analytes) => new
    {
        specimen = "urine",
        method = "point_of_care",
        collectedAt = Now.AddHours(-2),
        chainOfCustodyId = "COC-123",
        analytes = analytes.Select(a => new { analyte = a.Analyte, result = a.Result }).ToArray(),
    };

    private Task<long> TestsOf(Guid enrollmentId) =>
        Db.Count(Api, "SELECT COUNT(*) FROM outcomes_drug_test WHERE enrollment_id = @e", ("e", enrollmentId));

    [Fact]
    public async Task Negative_test_is_recorded_with_etag_and_announced()
    {
        var enrollment = await Api.EnrollAsync(10);

        var response = await Clinician().PostJson(Url(enrollment.EnrollmentId), Urine(("cocaine", "negative"), ("fentanyl", "negative")));

        var test = await response.Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal("negative", test.OverallResult);
        Assert.Equal("resulted", test.Status);
        Assert.Equal("COC-123", test.ChainOfCustodyId);
        Assert.Equal(1, test.Version);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(enrollment.PatientId, test.PatientId);
        Assert.Single(Api.Published.Of<DrugTestRecorded>(), r => r.DrugTestId == test.Id && r.OverallResult == "negative");
        Assert.Equal(1, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_outbox WHERE event_type = 'drug_test.recorded' AND aggregate_id = @t", ("t", test.Id)));
        Assert.Equal(2, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_drug_test_analyte WHERE drug_test_id = @t", ("t", test.Id)));
    }

    [Fact]
    public async Task Positive_for_a_prescribed_medication_is_expected_and_any_other_positive_is_unexpected()
    {
        var enrollment = await Api.EnrollAsync(10, null, "buprenorphine");
        var client = Clinician();

        var expected = await (await client.PostJson(Url(enrollment.EnrollmentId), Urine(("buprenorphine", "positive"), ("fentanyl", "negative")))).Read<DrugTestDto>(HttpStatusCode.Created);
        var unexpected = await (await client.PostJson(Url(enrollment.EnrollmentId), Urine(("buprenorphine", "positive"), ("cocaine", "positive")))).Read<DrugTestDto>(HttpStatusCode.Created);
        var inconclusive = await (await client.PostJson(Url(enrollment.EnrollmentId), Urine(("fentanyl", "inconclusive")))).Read<DrugTestDto>(HttpStatusCode.Created);

        Assert.Equal("positive_expected", expected.OverallResult);
        Assert.True(Assert.Single(expected.Analytes, a => a.Analyte == "buprenorphine").Expected);
        Assert.Equal("positive_unexpected", unexpected.OverallResult);
        Assert.False(Assert.Single(unexpected.Analytes, a => a.Analyte == "cocaine").Expected);
        Assert.Equal("negative", inconclusive.OverallResult);
        Assert.True(inconclusive.NeedsConfirmation);
    }

    // One analyte vocabulary (issue 18 item 3): a dronabinol prescription recorded at screening as the panel's
    // cannabis_thc makes a THC positive expected (screening said "cannabinoids", the panel "cannabis_thc", so it was
    // always unexpected). Dronabinol is synthetic delta-9-THC (FDA label, Marinol) and screens positive for THC.
    [Fact]
    public async Task A_prescribed_cannabinoid_is_recorded_with_the_panels_code_and_its_positive_is_expected()
    {
        var enrollment = await Api.EnrollAsync(10, null, "cannabis_thc");
        var test = await (await Clinician().PostJson(Url(enrollment.EnrollmentId), Urine(("cannabis_thc", "positive")))).Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal("positive_expected", test.OverallResult);
        Assert.True(Assert.Single(test.Analytes).Expected);
    }

    [Fact]
    public async Task Refused_missed_and_invalid_tests_are_their_own_results()
    {
        var enrollment = await Api.EnrollAsync(10);
        var client = Clinician();

        var refused = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now.AddHours(-1), status = "refused" })).Read<DrugTestDto>(HttpStatusCode.Created);
        var missed = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "oral_fluid", method = "lab", collectedAt = Now.AddHours(-1), status = "missed" })).Read<DrugTestDto>(HttpStatusCode.Created);
        var dilute = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now.AddHours(-1), status = "invalid", invalidReason = "dilute" })).Read<DrugTestDto>(HttpStatusCode.Created);

        Assert.Equal(("refused", "missed", "recollect"), (refused.OverallResult, missed.OverallResult, dilute.OverallResult));
        Assert.Equal("dilute", dilute.InvalidReason);
        Assert.Empty(refused.Analytes);
    }

    // Issue 18 item 4. Sources (numbers in SpecimenValidityRulesTests): HHS Mandatory Guidelines (SAMHSA 2017) and
    // 49 CFR 40.191(b) — adulterated/substituted is a refusal; 49 CFR 40.197 — negative-dilute is recollected,
    // positive-dilute keeps its positives; ASAM 2017 — point-of-care positives are presumptive until lab-confirmed.
    [Fact]
    public async Task Specimen_validity_and_presumptive_positives_follow_the_guidelines()
    {
        var enrollment = await Api.EnrollAsync(30);
        var client = Clinician();
        object Lab(bool dilute, string cocaine) => new { specimen = "urine", method = "lab", collectedAt = Now.AddHours(-1), dilute, analytes = new[] { new { analyte = "cocaine", result = cocaine } } };

        var adulterated = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now.AddHours(-1), status = "invalid", invalidReason = "adulterated" })).Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal(("invalid", "adulterated", "refused"), (adulterated.Status, adulterated.InvalidReason, adulterated.OverallResult));

        var negativeDilute = await (await client.PostJson(Url(enrollment.EnrollmentId), Lab(true, "negative"))).Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal(("recollect", true), (negativeDilute.OverallResult, negativeDilute.Dilute));
        var positiveDilute = await (await client.PostJson(Url(enrollment.EnrollmentId), Lab(true, "positive"))).Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal(("positive_unexpected", true, "positive"), (positiveDilute.OverallResult, positiveDilute.Dilute, Assert.Single(positiveDilute.Analytes).Result));
        var dilutedRefusal = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now, status = "refused", dilute = true })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(dilutedRefusal.FieldErrors("dilute"));

        // A point-of-care positive is presumptive: it waits for the lab, and counts for the drift rules only once
        // confirmed or after Outcomes:PresumptivePositiveCountsAfterDays (default 7) without a confirmation.
        var presumptive = await (await client.PostJson(Url(enrollment.EnrollmentId), Urine(("cocaine", "positive")))).Read<DrugTestDto>(HttpStatusCode.Created);
        var stale = await (await client.PostJson(Url(enrollment.EnrollmentId), Urine(("fentanyl", "positive")))).Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal(("positive_unexpected", true), (presumptive.OverallResult, presumptive.NeedsConfirmation));
        Assert.True((await Signals(enrollment.EnrollmentId)).Single(s => s.DrugTestId == presumptive.Id).NeedsConfirmation);
        var confirmed = await (await client.PostAsJson($"/api/v1/drug-tests/{presumptive.Id}/corrections",
            new { reason = "lab confirmation (LC-MS/MS)", test = new { specimen = "urine", method = "lab", collectedAt = Now.AddHours(-2), analytes = new[] { new { analyte = "cocaine", result = "positive" } } } }, "\"1\"")).Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal(("positive_unexpected", false), (confirmed.OverallResult, confirmed.NeedsConfirmation));
        Assert.False((await Signals(enrollment.EnrollmentId)).Single(s => s.DrugTestId == presumptive.Id).NeedsConfirmation);
        Assert.True((await Signals(enrollment.EnrollmentId)).Single(s => s.DrugTestId == stale.Id).NeedsConfirmation);
        Api.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromHours(3));
        Assert.True((await Signals(enrollment.EnrollmentId)).Single(s => s.DrugTestId == stale.Id).NeedsConfirmation);
        Api.Clock.Advance(TimeSpan.FromHours(2));
        Assert.False((await Signals(enrollment.EnrollmentId)).Single(s => s.DrugTestId == stale.Id).NeedsConfirmation);
    }

    private async Task<IReadOnlyList<DrugTestSignalDto>> Signals(Guid enrollmentId)
    {
        using var scope = Api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetDrugTestSignalsQuery([enrollmentId], Now.AddDays(-30), Now.AddMinutes(1)), Ct);
    }

    [Fact]
    public async Task Bad_drug_tests_get_precise_problems_and_store_nothing()
    {
        var enrollment = await Api.EnrollAsync(10);
        var client = Clinician();

        var unknown = await (await client.PostJson(Url(enrollment.EnrollmentId), Urine(("cocaine", "negative"), ("kratom", "positive")))).Problem(HttpStatusCode.BadRequest);
        Assert.StartsWith("'kratom' is not on the panel.", unknown.FieldErrors("analytes[1].analyte").Single(), StringComparison.Ordinal);

        var future = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now.AddMinutes(10), analytes = new[] { new { analyte = "cocaine", result = "negative" } } })).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["Collected at must not be in the future."], future.FieldErrors("collectedAt"));

        var invalidWithoutReason = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now, status = "invalid" })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(invalidWithoutReason.FieldErrors("invalidReason"));

        var refusedWithResults = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now, status = "refused", analytes = new[] { new { analyte = "cocaine", result = "negative" } } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(refusedWithResults.FieldErrors("analytes"));

        var breath = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "breath", method = "point_of_care", collectedAt = Now, analytes = new[] { new { analyte = "cocaine", result = "negative" } } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(breath.FieldErrors("analytes[0].analyte"));

        var badSpecimen = await (await client.PostJson(Url(enrollment.EnrollmentId), new { specimen = "hair", method = "x", collectedAt = Now, analytes = new[] { new { analyte = "cocaine", result = "maybe" } } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(badSpecimen.FieldErrors("specimen"));
        Assert.NotEmpty(badSpecimen.FieldErrors("method"));
        Assert.NotEmpty(badSpecimen.FieldErrors("analytes[0].result"));

        Assert.Equal(0, await TestsOf(enrollment.EnrollmentId));
        Assert.DoesNotContain(Api.Published.Of<DrugTestRecorded>(), r => r.EnrollmentId == enrollment.EnrollmentId);
        await (await client.PostJson(Url(Guid.CreateVersion7()), Urine(("cocaine", "negative")))).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Correction_is_a_new_version_with_a_reason_and_history_is_kept()
    {
        var enrollment = await Api.EnrollAsync(10);
        var client = Clinician();
        var original = await (await client.PostJson(Url(enrollment.EnrollmentId), Urine(("fentanyl", "inconclusive")))).Read<DrugTestDto>(HttpStatusCode.Created);
        var url = $"/api/v1/drug-tests/{original.Id}/corrections";
        var corrected = new { reason = "Lab confirmation: fentanyl positive", test = Urine(("fentanyl", "positive")) };

        await (await client.PostAsJson(url, corrected, null)).Problem(HttpStatusCode.PreconditionRequired);
        var noReason = await (await client.PostAsJson(url, new { test = Urine(("fentanyl", "positive")) }, "\"1\"")).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["A correction needs a reason."], noReason.FieldErrors("reason"));
        var badTest = await (await client.PostAsJson(url, new { reason = "x", test = Urine(("kratom", "positive")) }, "\"1\"")).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(badTest.FieldErrors("test.analytes[0].analyte"));
        Assert.Equal("\"1\"", (await client.GetAsync($"/api/v1/drug-tests/{original.Id}", Ct)).Headers.ETag?.Tag);

        var response = await client.PostAsJson(url, corrected, "\"1\"");
        var v2 = await response.Read<DrugTestDto>(HttpStatusCode.Created);
        Assert.Equal(2, v2.Version);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal("positive_unexpected", v2.OverallResult);
        Assert.Equal("Lab confirmation: fentanyl positive", v2.CorrectionReason);
        await (await client.PostAsJson(url, corrected, "\"1\"")).Problem(HttpStatusCode.PreconditionFailed);

        var current = await (await client.GetAsync($"/api/v1/drug-tests/{original.Id}", Ct)).Read<DrugTestDto>();
        Assert.Equal((2, "positive_unexpected"), (current.Version, current.OverallResult));
        var history = await (await client.GetAsync($"/api/v1/drug-tests/{original.Id}/versions", Ct)).ReadItems<DrugTestDto>();
        Assert.Equal([(1, "negative", (string?)null), (2, "positive_unexpected", "Lab confirmation: fentanyl positive")], history.Select(h => (h.Version, h.OverallResult, h.CorrectionReason)));
        Assert.Equal("inconclusive", Assert.Single(history[0].Analytes).Result);
        var list = await (await client.GetAsync(Url(enrollment.EnrollmentId), Ct)).Read<CursorPageOf<DrugTestDto>>();
        Assert.Equal(2, Assert.Single(list.Items).Version);
        Assert.Equal(2, Api.Published.Of<DrugTestRecorded>().Count(r => r.DrugTestId == original.Id));
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.ClientAs(Roles.CaseManager).PostAsJson(url, corrected, "\"2\"")).StatusCode);
    }

    [Fact]
    public async Task Signals_query_returns_current_results_in_the_period_for_many_enrollments()
    {
        var a = await Api.EnrollAsync(30);
        var b = await Api.EnrollAsync(30);
        var client = Clinician();
        async Task<DrugTestDto> Record(Guid enrollmentId, double daysAgo, string result) =>
            await (await client.PostJson(Url(enrollmentId), new { specimen = "urine", method = "lab", collectedAt = Now.AddDays(-daysAgo), analytes = new[] { new { analyte = "cocaine", result } } })).Read<DrugTestDto>(HttpStatusCode.Created);
        var old = await Record(a.EnrollmentId, 20, "positive");
        var recent = await Record(a.EnrollmentId, 3, "negative");
        var other = await Record(b.EnrollmentId, 2, "positive");
        await (await client.PostAsJson($"/api/v1/drug-tests/{recent.Id}/corrections", new { reason = "transcription error", test = new { specimen = "urine", method = "lab", collectedAt = Now.AddDays(-3), analytes = new[] { new { analyte = "cocaine", result = "positive" } } } }, "\"1\"")).Read<DrugTestDto>(HttpStatusCode.Created);

        using var scope = Api.Services.CreateScope();
        var signals = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetDrugTestSignalsQuery([a.EnrollmentId, b.EnrollmentId, Guid.CreateVersion7()], Now.AddDays(-14), Now), Ct);

        Assert.DoesNotContain(signals, s => s.DrugTestId == old.Id);
        Assert.Equal("positive_unexpected", Assert.Single(signals, s => s.DrugTestId == recent.Id).OverallResult);
        Assert.Equal(b.EnrollmentId, Assert.Single(signals, s => s.DrugTestId == other.Id).EnrollmentId);
        Assert.Equal(2, signals.Count);
    }
}

public sealed class DrugTestsTestsOnSqlite(OutcomesSqliteApi api) : DrugTestsTests<OutcomesSqliteApi>(api), IClassFixture<OutcomesSqliteApi>;

public sealed class DrugTestsTestsOnPostgres(OutcomesPostgresApi api) : DrugTestsTests<OutcomesPostgresApi>(api), IClassFixture<OutcomesPostgresApi>;

public sealed class DrugTestsTestsOnSqlServer(OutcomesSqlServerApi api) : DrugTestsTests<OutcomesSqlServerApi>(api), IClassFixture<OutcomesSqlServerApi>;
