using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IopPlatform.Testing;

namespace IopPlatform.Reliability.Tests.Concurrency;

/// <summary>
/// Twenty callers holding the same ETag change one row at the same moment: optimistic concurrency lets exactly one
/// through and answers the others 412, so no update is lost. (Fifty concurrent POSTs with one Idempotency-Key are in
/// IopPlatform.Api.Tests/Http/IdempotencyTests.)
/// </summary>
public abstract class IfMatchRaceTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ReliabilityApi
{
    private const int Callers = 20;

    [Fact]
    public async Task Twenty_concurrent_program_updates_with_one_etag_let_exactly_one_through()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Race site", timeZone = "America/Chicago" })).Read<JsonElement>(HttpStatusCode.Created);
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.GetProperty("id").GetGuid(), name = "Race IOP", levelOfCare = "asam-3:2.1" }))
            .Read<JsonElement>(HttpStatusCode.Created);
        var id = program.GetProperty("id").GetGuid();

        using var start = new SemaphoreSlim(0);
        var racers = Enumerable.Range(0, Callers).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/programs/{id}")
            {
                Content = JsonContent.Create(new { name = $"Racer {i}", levelOfCare = "asam-3:2.1" }, options: HttpJson.Options),
            };
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            await start.WaitAsync(Ct);
            var response = await Api.Admin().SendAsync(request, Ct);
            return (Index: i, Response: response);
        }).ToList();
        start.Release(Callers);
        var results = await Task.WhenAll(racers);

        var winners = results.Where(r => r.Response.StatusCode == HttpStatusCode.OK).ToList();
        var statuses = string.Join(", ", results.GroupBy(r => (int)r.Response.StatusCode).Select(g => $"{g.Key}×{g.Count()}"));
        Assert.True(winners.Count == 1, statuses);
        foreach (var loser in results.Where(r => r.Response.StatusCode != HttpStatusCode.OK))
        {
            await loser.Response.Problem(HttpStatusCode.PreconditionFailed);
        }
        var stored = await (await admin.GetAsync($"/api/v1/programs/{id}", Ct)).Read<JsonElement>();
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
        Assert.Equal($"Racer {winners[0].Index}", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Twenty_concurrent_holds_of_one_enrollment_with_one_etag_let_exactly_one_through()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Hold race site", timeZone = "America/Chicago" })).Read<JsonElement>(HttpStatusCode.Created);
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.GetProperty("id").GetGuid(), name = "Hold race IOP", levelOfCare = "asam-3:2.1" }))
            .Read<JsonElement>(HttpStatusCode.Created);
        var (_, enrollmentId, version) = await World.ActiveEnrollmentAsync(admin, program.GetProperty("id").GetGuid());

        using var start = new SemaphoreSlim(0);
        var racers = Enumerable.Range(0, Callers).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/enrollments/{enrollmentId}/hold")
            {
                Content = JsonContent.Create(new { reason = $"Racer {i}" }, options: HttpJson.Options),
            };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
            await start.WaitAsync(Ct);
            return await Api.Admin().SendAsync(request, Ct);
        }).ToList();
        start.Release(Callers);
        var results = await Task.WhenAll(racers);

        var statuses = string.Join(", ", results.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Key}×{g.Count()}"));
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.OK) == 1, statuses);
        foreach (var loser in results.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await loser.Problem(HttpStatusCode.PreconditionFailed);
        }
        var stored = await (await admin.GetAsync($"/api/v1/enrollments/{enrollmentId}", Ct)).Read<JsonElement>();
        Assert.Equal("on_hold", stored.GetProperty("status").GetString());
        Assert.Equal(version + 1, stored.GetProperty("version").GetInt32());
    }
}

public sealed class IfMatchRaceTestsOnSqlite(ReliabilitySqliteApi api) : IfMatchRaceTests<ReliabilitySqliteApi>(api), IClassFixture<ReliabilitySqliteApi>;

public sealed class IfMatchRaceTestsOnPostgres(ReliabilityPostgresApi api) : IfMatchRaceTests<ReliabilityPostgresApi>(api), IClassFixture<ReliabilityPostgresApi>;

public sealed class IfMatchRaceTestsOnSqlServer(ReliabilitySqlServerApi api) : IfMatchRaceTests<ReliabilitySqlServerApi>(api), IClassFixture<ReliabilitySqlServerApi>;
