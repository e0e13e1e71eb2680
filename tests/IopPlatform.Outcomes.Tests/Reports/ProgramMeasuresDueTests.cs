using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Outcomes.Tests.Measures;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Reports;

public abstract class ProgramMeasuresDueTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : OutcomesApiBase
{
    [Fact]
    public async Task Measures_due_across_a_program_page_over_its_active_enrollments()
    {
        var program = await Api.CreateProgramAsync("Due IOP");
        var upToDate = await Api.AdmitNewPatientAsync(program.Id);
        var fresh = await Api.AdmitNewPatientAsync(program.Id);
        var discharged = await Api.AdmitNewPatientAsync(program.Id);
        var alsoFresh = await Api.AdmitNewPatientAsync(program.Id);
        await Api.DischargeAsync(discharged, "left_before_completion");
        var clinician = Api.ClientAs(Roles.Clinician);
        var at = Api.Clock.GetUtcNow().AddMinutes(-5);
        foreach (var (instrument, answers) in new[] { ("phq9", new int[9]), ("gad7", new int[7]), ("bam", new int[17]) })
        {
            await (await clinician.PostJson($"/api/v1/enrollments/{upToDate.Id}/measures", new { instrument, administeredAt = at, answers })).Read<MeasureResultDto>(HttpStatusCode.Created);
        }
        var url = $"/api/v1/measures/due?programId={program.Id}";

        var first = await (await clinician.GetAsync($"{url}&limit=2", Ct)).Read<CursorPageOf<EnrollmentMeasuresDueDto>>();
        var second = await (await clinician.GetAsync($"{url}&limit=2&cursor={first.NextCursor}", Ct)).Read<CursorPageOf<EnrollmentMeasuresDueDto>>();

        Assert.Null(second.NextCursor);
        var all = first.Items.Concat(second.Items).ToList();
        Assert.Equal([upToDate.Id, fresh.Id, alsoFresh.Id], all.Select(e => e.EnrollmentId));
        var done = all[0];
        Assert.False(done.AnyDue);
        Assert.Equal([("phq9", 14, false), ("gad7", 14, false), ("bam", 7, false)], done.Measures.Select(m => (m.Instrument, m.IntervalDays, m.Due)));
        Assert.Equal(at.AddDays(7), done.Measures[2].DueAt);
        Assert.All(all.Skip(1), e => Assert.True(e.AnyDue && e.Measures.All(m => m.Due && m.LastAdministeredAt is null)));
        Assert.Equal(fresh.PatientId, all[1].PatientId);

        var dueOnly = await (await clinician.GetAsync($"{url}&dueOnly=true", Ct)).Read<CursorPageOf<EnrollmentMeasuresDueDto>>();
        Assert.Equal([fresh.Id, alsoFresh.Id], dueOnly.Items.Select(e => e.EnrollmentId));

        Assert.NotEmpty((await (await clinician.GetAsync("/api/v1/measures/due", Ct)).Problem(HttpStatusCode.BadRequest)).FieldErrors("programId"));
        Assert.NotEmpty((await (await clinician.GetAsync($"{url}&limit=0", Ct)).Problem(HttpStatusCode.BadRequest)).FieldErrors("limit"));
        await (await clinician.GetAsync($"/api/v1/measures/due?programId={Guid.CreateVersion7()}", Ct)).Problem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Api.PartnerClientAsync()).Http.GetAsync(url, Ct)).StatusCode);
    }
}

public sealed class ProgramMeasuresDueTestsOnSqlite(OutcomesSqliteApi api) : ProgramMeasuresDueTests<OutcomesSqliteApi>(api), IClassFixture<OutcomesSqliteApi>;

public sealed class ProgramMeasuresDueTestsOnPostgres(OutcomesPostgresApi api) : ProgramMeasuresDueTests<OutcomesPostgresApi>(api), IClassFixture<OutcomesPostgresApi>;

public sealed class ProgramMeasuresDueTestsOnSqlServer(OutcomesSqlServerApi api) : ProgramMeasuresDueTests<OutcomesSqlServerApi>(api), IClassFixture<OutcomesSqlServerApi>;
