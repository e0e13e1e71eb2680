using System.Net;
using System.Text;
using System.Text.Json;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Programs;

public abstract class SitesAndProgramsTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Created_program_is_read_back_with_defaults_and_etag()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Riverside", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);

        var created = await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Evening Adult IOP", levelOfCare = "asam-3:2.1" });
        Assert.Equal($"/api/v1/programs/{(await created.Read<ProgramDto>(HttpStatusCode.Created)).Id}", created.Headers.Location?.OriginalString);

        var program = await created.Read<ProgramDto>(HttpStatusCode.Created);
        var fetched = await admin.GetAsync($"/api/v1/programs/{program.Id}", Ct);
        var read = await fetched.Read<ProgramDto>();
        Assert.Equal("\"1\"", fetched.Headers.ETag?.Tag);
        Assert.Equal(9m, read.RequiredHoursPerWeekAdult);
        Assert.Equal(6m, read.RequiredHoursPerWeekAdolescent);
        Assert.Equal(12, read.ExpectedLengthWeeks);
        Assert.Equal(site.Id, read.SiteId);
        Assert.Equal(ApiFactory.Start, read.CreatedAt);
    }

    // Minimum structured hours a week by level of care, ASAM Criteria 3rd ed. (2013) and 4th ed. (2023): level 2.1
    // intensive outpatient >= 9 h adults / >= 6 h adolescents; level 2.5 partial hospitalisation (4th ed.: high-intensity
    // outpatient) >= 20 h. An explicit value wins; a level with no known minimum must state its hours (400).
    [Theory]
    [InlineData("asam-3:2.1", null, null, 9, 6)]
    [InlineData("asam-4:2.1", null, null, 9, 6)]
    [InlineData("asam-3:2.5", null, null, 20, 20)]
    [InlineData("asam-4:2.5", null, null, 20, 20)]
    [InlineData("asam-3:2.5", 24, 21, 24, 21)]
    [InlineData("asam-3:2.1", 12, 8, 12, 8)]
    [InlineData("asam-3:1.0", 4, 4, 4, 4)]
    public async Task Required_weekly_hours_follow_the_level_of_care_unless_stated(string level, int? adult, int? adolescent, int expectedAdult, int expectedAdolescent)
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Levels", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        var created = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = $"Level {level}", levelOfCare = level, requiredHoursPerWeekAdult = adult, requiredHoursPerWeekAdolescent = adolescent }))
            .Read<ProgramDto>(HttpStatusCode.Created);
        Assert.Equal((expectedAdult, expectedAdolescent), ((int)created.RequiredHoursPerWeekAdult, (int)created.RequiredHoursPerWeekAdolescent));

        // Moving a 2.1 program to 2.5 without hours takes the new level's minimum, not the old numbers.
        var moved = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/programs/{created.Id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { name = "Moved", levelOfCare = "asam-4:2.5" }),
            Headers = { IfMatch = { new System.Net.Http.Headers.EntityTagHeaderValue($"\"{created.Version}\"") } },
        }, Ct);
        var updated = await moved.Read<ProgramDto>();
        Assert.Equal((20m, 20m), (updated.RequiredHoursPerWeekAdult, updated.RequiredHoursPerWeekAdolescent));
    }

    [Theory]
    [InlineData("asam-3:1.0")]
    [InlineData("asam-4:2.7")]
    [InlineData("asam-3:3.1")]
    public async Task A_level_without_a_known_minimum_must_state_its_weekly_hours(string level)
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Levels", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        var problem = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = $"Level {level}", levelOfCare = level })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains(level, Assert.Single(problem.FieldErrors("requiredHoursPerWeekAdult")), StringComparison.Ordinal);
        Assert.NotEmpty(problem.FieldErrors("requiredHoursPerWeekAdolescent"));
    }

    [Fact]
    public async Task Decimals_come_back_in_one_json_form_on_every_engine()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Decimal site", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Decimal IOP", levelOfCare = "asam-3:2.1", requiredHoursPerWeekAdult = 9.00m, requiredHoursPerWeekAdolescent = 6.50m }))
            .Read<ProgramDto>(HttpStatusCode.Created);

        var json = await (await admin.GetAsync($"/api/v1/programs/{program.Id}", Ct)).Read<System.Text.Json.JsonElement>();

        Assert.Equal("9", json.GetProperty("requiredHoursPerWeekAdult").GetRawText());
        Assert.Equal("6.5", json.GetProperty("requiredHoursPerWeekAdolescent").GetRawText());
    }

    [Fact]
    public async Task Invalid_program_gets_per_field_errors_and_writes_nothing()
    {
        var admin = Api.Admin();
        var before = await CountPrograms(admin);

        var response = await admin.PostJson("/api/v1/programs", new { siteId = Guid.Empty, name = "", levelOfCare = "level two", requiredHoursPerWeekAdult = 0, expectedLengthWeeks = 99 });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("siteId"));
        Assert.NotEmpty(problem.FieldErrors("name"));
        Assert.Contains("asam-3:2.1", problem.FieldErrors("levelOfCare").Single(), StringComparison.Ordinal);
        Assert.NotEmpty(problem.FieldErrors("requiredHoursPerWeekAdult"));
        Assert.NotEmpty(problem.FieldErrors("expectedLengthWeeks"));
        Assert.Equal(before, await CountPrograms(admin));
    }

    [Fact]
    public async Task Program_at_unknown_site_is_rejected()
    {
        var response = await Api.Admin().PostJson("/api/v1/programs", new { siteId = Guid.CreateVersion7(), name = "X", levelOfCare = "asam-4:2.1" });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.Contains("does not exist", problem.FieldErrors("siteId").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Site_with_windows_or_unknown_time_zone_is_rejected()
    {
        var admin = Api.Admin();
        foreach (var zone in new[] { "Central Standard Time", "Mars/Olympus", "" })
        {
            var problem = await (await admin.PostJson("/api/v1/sites", new { name = "S", timeZone = zone })).Problem(HttpStatusCode.BadRequest);
            Assert.NotEmpty(problem.FieldErrors("timeZone"));
        }
    }

    [Fact]
    public async Task Malformed_json_and_wrong_content_type_are_problems_not_crashes()
    {
        var admin = Api.Admin();
        var malformed = await admin.PostAsync("/api/v1/sites", new StringContent("{\"name\":", Encoding.UTF8, "application/json"), Ct);
        await malformed.Problem(HttpStatusCode.BadRequest);

        var wrongType = await admin.PostAsync("/api/v1/sites", new StringContent("name=x", Encoding.UTF8, "text/plain"), Ct);
        await wrongType.Problem(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_program_is_404_problem()
    {
        var problem = await (await Api.Admin().GetAsync($"/api/v1/programs/{Guid.CreateVersion7()}", Ct)).Problem(HttpStatusCode.NotFound);
        Assert.Contains("Program", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Programs_page_with_cursor_without_gaps_or_repeats()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Paging", timeZone = "Europe/Berlin" })).Read<SiteDto>(HttpStatusCode.Created);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = $"P{i}", levelOfCare = "asam-3:2.1" })).Read<ProgramDto>(HttpStatusCode.Created)).Id);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/programs?siteId={site.Id}&limit=2" + (cursor is null ? string.Empty : $"&cursor={cursor}");
            var page = await (await admin.GetAsync(url, Ct)).Read<JsonElement>();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(ids.Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Limit_out_of_range_and_bad_cursor_are_400()
    {
        var admin = Api.Admin();
        await (await admin.GetAsync("/api/v1/programs?limit=0", Ct)).Problem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync("/api/v1/programs?limit=100000", Ct)).Problem(HttpStatusCode.BadRequest);
        var bad = await (await admin.GetAsync("/api/v1/programs?cursor=not-a-cursor!", Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.FieldErrors("cursor"));
    }

    private static async Task<int> CountPrograms(HttpClient client) =>
        (await (await client.GetAsync("/api/v1/programs?limit=200", Ct)).Read<JsonElement>()).GetProperty("items").GetArrayLength();
}

public sealed class SitesAndProgramsTestsOnSqlite(SqliteApi api) : SitesAndProgramsTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class SitesAndProgramsTestsOnPostgres(PostgresApi api) : SitesAndProgramsTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class SitesAndProgramsTestsOnSqlServer(SqlServerApi api) : SitesAndProgramsTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
