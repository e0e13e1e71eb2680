using System.Net;
using System.Net.Http.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.Http;

/// <summary>ETag / If-Match end to end on PUT /api/v1/programs/{id}.</summary>
public abstract class ConditionalUpdateTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : HttpApi
{
    private static readonly object Change = new { name = "Renamed IOP", levelOfCare = "asam-4:2.1", requiredHoursPerWeekAdult = 10, expectedLengthWeeks = 10 };

    [Fact]
    public async Task Update_with_current_etag_succeeds_and_returns_the_next_etag()
    {
        var admin = Api.Admin();
        var program = await CreateProgram(admin);

        var response = await Put(admin, program.Id, Change, "\"1\"");

        var updated = await response.Read<ProgramDto>();
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal(2, updated.Version);
        Assert.Equal("Renamed IOP", updated.Name);
        Assert.Equal(10m, updated.RequiredHoursPerWeekAdult);
        Assert.Equal(6m, updated.RequiredHoursPerWeekAdolescent);
        var read = await admin.GetAsync($"/api/v1/programs/{program.Id}", Ct);
        Assert.Equal("Renamed IOP", (await read.Read<ProgramDto>()).Name);
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Stale_etag_is_412_and_changes_nothing()
    {
        var admin = Api.Admin();
        var program = await CreateProgram(admin);
        await (await Put(admin, program.Id, Change, "\"1\"")).Read<ProgramDto>();

        var stale = await Put(admin, program.Id, new { name = "Lost update", levelOfCare = "asam-3:2.1" }, "\"1\"");

        await stale.Problem(HttpStatusCode.PreconditionFailed);
        var read = await (await admin.GetAsync($"/api/v1/programs/{program.Id}", Ct)).Read<ProgramDto>();
        Assert.Equal("Renamed IOP", read.Name);
        Assert.Equal(2, read.Version);
    }

    [Fact]
    public async Task Missing_if_match_is_428()
    {
        var admin = Api.Admin();
        var program = await CreateProgram(admin);

        await (await Put(admin, program.Id, Change, null)).Problem(HttpStatusCode.PreconditionRequired);

        Assert.Equal(1, (await (await admin.GetAsync($"/api/v1/programs/{program.Id}", Ct)).Read<ProgramDto>()).Version);
    }

    [Fact]
    public async Task Unknown_program_is_404_and_non_admin_is_403()
    {
        var admin = Api.Admin();
        var program = await CreateProgram(admin);

        await (await Put(admin, Guid.CreateVersion7(), Change, "\"1\"")).Problem(HttpStatusCode.NotFound);
        await (await Put(Api.ClientAs(Roles.Clinician), program.Id, Change, "\"1\"")).Problem(HttpStatusCode.Forbidden);
        var invalid = await (await Put(admin, program.Id, new { name = "", levelOfCare = "two point one" }, "\"1\"")).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(invalid.FieldErrors("name"));
        Assert.NotEmpty(invalid.FieldErrors("levelOfCare"));
    }

    private static async Task<ProgramDto> CreateProgram(HttpClient admin)
    {
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "ETag site", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        return await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Original IOP", levelOfCare = "asam-3:2.1" }))
            .Read<ProgramDto>(HttpStatusCode.Created);
    }

    private static async Task<HttpResponseMessage> Put(HttpClient client, Guid id, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/programs/{id}") { Content = JsonContent.Create(body, options: HttpJson.Options) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await client.SendAsync(request, Ct);
    }
}

public sealed class ConditionalUpdateTestsOnSqlite(HttpSqliteApi api) : ConditionalUpdateTests<HttpSqliteApi>(api), IClassFixture<HttpSqliteApi>;

public sealed class ConditionalUpdateTestsOnPostgres(HttpPostgresApi api) : ConditionalUpdateTests<HttpPostgresApi>(api), IClassFixture<HttpPostgresApi>;

public sealed class ConditionalUpdateTestsOnSqlServer(HttpSqlServerApi api) : ConditionalUpdateTests<HttpSqlServerApi>(api), IClassFixture<HttpSqlServerApi>;
