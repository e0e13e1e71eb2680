using System.Net;
using System.Net.Http.Json;
using Dapper;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Http;

public abstract class IdempotencyTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : HttpApi
{
    [Fact]
    public async Task Retry_with_the_same_key_replays_the_first_response_and_creates_one_program()
    {
        var admin = Api.Admin();
        var site = await CreateSite(admin, "Replay site");
        var key = NewKey();
        var body = new { siteId = site.Id, name = "Replayed IOP", levelOfCare = "asam-3:2.1" };

        var first = await Post(admin, "/api/v1/programs", body, key);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        var second = await Post(admin, "/api/v1/programs", body, key);
        var secondBody = await second.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues(Idempotency.ReplayedHeader).Single());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("\"1\"", second.Headers.ETag?.Tag);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(firstBody, secondBody);
        Assert.Equal(1, await CountPrograms(site.Id));
        Assert.Equal(1, await CountRecords(key));
    }

    [Fact]
    public async Task Same_key_with_another_body_is_422_and_creates_nothing()
    {
        var admin = Api.Admin();
        var key = NewKey();
        await (await Post(admin, "/api/v1/sites", new { name = "Original", timeZone = "America/Chicago" }, key)).Read<SiteDto>(HttpStatusCode.Created);

        var problem = await (await Post(admin, "/api/v1/sites", new { name = "Changed", timeZone = "America/Chicago" }, key))
            .Problem(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("different request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountSites("Changed"));
    }

    [Fact]
    public async Task Same_key_on_another_endpoint_is_422()
    {
        var admin = Api.Admin();
        var key = NewKey();
        var site = await (await Post(admin, "/api/v1/sites", new { name = "Endpoint A", timeZone = "Europe/Berlin" }, key)).Read<SiteDto>(HttpStatusCode.Created);

        await (await Post(admin, "/api/v1/programs", new { siteId = site.Id, name = "Endpoint B", levelOfCare = "asam-3:2.1" }, key))
            .Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(0, await CountPrograms(site.Id));
    }

    [Fact]
    public async Task Same_key_while_the_first_request_runs_is_409_then_replays_once_it_finished()
    {
        var admin = Api.Admin();
        var key = NewKey();
        var body = new { name = "Held site", timeZone = "America/Denver" };
        Api.Gate.Arm();
        var first = Post(admin, "/api/v1/sites", body, key);
        await Api.Gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var whileRunning = await Post(admin, "/api/v1/sites", body, key);
        var otherBodyWhileRunning = await Post(admin, "/api/v1/sites", new { name = "Other", timeZone = "America/Denver" }, key);
        Api.Gate.Release.SetResult();
        var created = await (await first).Read<SiteDto>(HttpStatusCode.Created);
        var replay = await Post(admin, "/api/v1/sites", body, key);

        var conflict = await whileRunning.Problem(HttpStatusCode.Conflict);
        Assert.Contains("still being processed", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await otherBodyWhileRunning.Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(created.Id, (await replay.Read<SiteDto>(HttpStatusCode.Created)).Id);
        Assert.Equal(1, await CountSites("Held site"));
    }

    /// <summary>
    /// Decision: a request arriving while the first still runs gets 409 (retry later), never a second execution; every
    /// other answer is the first response, replayed.
    /// </summary>
    [Fact]
    public async Task Fifty_concurrent_posts_with_one_key_create_one_program_and_agree()
    {
        var admin = Api.Admin();
        var site = await CreateSite(admin, "Concurrent site");
        var key = NewKey();
        var body = new { siteId = site.Id, name = "Stampede IOP", levelOfCare = "asam-4:2.1" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Post(admin, "/api/v1/programs", body, key)));

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var conflicts = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(50, created.Count + conflicts.Count);
        Assert.Single(created, r => !r.Headers.Contains(Idempotency.ReplayedHeader));
        var bodies = await Task.WhenAll(created.Select(r => r.Content.ReadAsStringAsync(Ct)));
        Assert.Single(bodies.Distinct());
        Assert.Single(created.Select(r => r.Headers.Location).Distinct());
        Assert.Single(created.Select(r => r.Headers.ETag?.Tag).Distinct());
        Assert.Equal(1, await CountPrograms(site.Id));
        Assert.Equal(1, await CountRecords(key));
    }

    [Fact]
    public async Task Two_callers_may_use_the_same_key()
    {
        var key = NewKey();
        var body = new { name = "Shared key site", timeZone = "America/New_York" };

        var a = await (await Post(Api.ClientAs("admin", "caller-a"), "/api/v1/sites", body, key)).Read<SiteDto>(HttpStatusCode.Created);
        var b = await (await Post(Api.ClientAs("admin", "caller-b"), "/api/v1/sites", body, key)).Read<SiteDto>(HttpStatusCode.Created);

        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(2, await CountRecords(key));
    }

    [Fact]
    public async Task Rejected_request_releases_its_key_so_a_corrected_retry_runs()
    {
        var admin = Api.Admin();
        var key = NewKey();

        var invalid = await Post(admin, "/api/v1/sites", new { name = "Fixed later", timeZone = "Mars/Olympus" }, key);
        var valid = await Post(admin, "/api/v1/sites", new { name = "Fixed later", timeZone = "Europe/Paris" }, key);

        await invalid.Problem(HttpStatusCode.BadRequest);
        await valid.Read<SiteDto>(HttpStatusCode.Created);
        Assert.Equal(1, await CountSites("Fixed later"));
    }

    [Fact]
    public async Task Server_error_releases_the_key_so_the_retry_runs()
    {
        var admin = Api.Admin();
        var key = NewKey();
        var body = new { name = "After a crash", timeZone = "Europe/Rome" };
        Api.Gate.FailNext();

        var failed = await Post(admin, "/api/v1/sites", body, key);
        var retried = await Post(admin, "/api/v1/sites", body, key);

        await failed.Problem(HttpStatusCode.InternalServerError);
        await retried.Read<SiteDto>(HttpStatusCode.Created);
        Assert.False(retried.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal(1, await CountSites("After a crash"));
        Assert.Equal(1, await CountRecords(key));
    }

    [Fact]
    public async Task Without_a_key_every_post_creates_and_an_invalid_key_is_400()
    {
        var admin = Api.Admin();
        var body = new { name = "No key site", timeZone = "Asia/Tokyo" };
        await (await admin.PostJson("/api/v1/sites", body)).Read<SiteDto>(HttpStatusCode.Created);
        await (await admin.PostJson("/api/v1/sites", body)).Read<SiteDto>(HttpStatusCode.Created);

        var tooLong = await Post(admin, "/api/v1/sites", new { name = "Bad key site", timeZone = "Asia/Tokyo" }, new string('k', 256));

        Assert.Equal(2, await CountSites("No key site"));
        await tooLong.Problem(HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountSites("Bad key site"));
    }

    [Fact]
    public async Task Purge_job_is_scheduled_and_deletes_only_expired_records()
    {
        var admin = Api.Admin();
        var oldKey = NewKey();
        await (await Post(admin, "/api/v1/sites", new { name = "Old key site", timeZone = "Europe/London" }, oldKey)).Read<SiteDto>(HttpStatusCode.Created);
        Api.Clock.Advance(TimeSpan.FromHours(23));
        var newKey = NewKey();
        await (await Post(admin, "/api/v1/sites", new { name = "New key site", timeZone = "Europe/London" }, newKey)).Read<SiteDto>(HttpStatusCode.Created);
        Api.Clock.Advance(TimeSpan.FromHours(1));

        await using (var scope = Api.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new PurgeIdempotencyKeys(), Ct);
        }

        Assert.Equal(0, await CountRecords(oldKey));
        Assert.Equal(1, await CountRecords(newKey));
        Assert.Contains(Api.Services.GetServices<RecurringJobDefinition>(), j => j.Id == IdempotencyServices.PurgeJobId);
        // After expiry the key is free again: the same key and body create anew.
        var again = await Post(admin, "/api/v1/sites", new { name = "Old key site", timeZone = "Europe/London" }, oldKey);
        Assert.False(again.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal(2, await CountSites("Old key site"));
    }

    private static string NewKey() => Guid.NewGuid().ToString();

    private static async Task<HttpResponseMessage> Post(HttpClient client, string url, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: HttpJson.Options) };
        request.Headers.Add(Idempotency.KeyHeader, key);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<SiteDto> CreateSite(HttpClient admin, string name) =>
        await (await admin.PostJson("/api/v1/sites", new { name, timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);

    private async Task<long> CountPrograms(Guid siteId)
    {
        await using var db = await Api.OpenDatabase();
        return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM enrollment_program WHERE site_id = @siteId", new { siteId });
    }

    private async Task<long> CountSites(string name)
    {
        await using var db = await Api.OpenDatabase();
        return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM enrollment_site WHERE name = @name", new { name });
    }

    private async Task<long> CountRecords(string key)
    {
        await using var db = await Api.OpenDatabase();
        return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM platform_idempotency_record WHERE idempotency_key = @key", new { key });
    }
}

public sealed class IdempotencyTestsOnSqlite(HttpSqliteApi api) : IdempotencyTests<HttpSqliteApi>(api), IClassFixture<HttpSqliteApi>;

public sealed class IdempotencyTestsOnPostgres(HttpPostgresApi api) : IdempotencyTests<HttpPostgresApi>(api), IClassFixture<HttpPostgresApi>;

public sealed class IdempotencyTestsOnSqlServer(HttpSqlServerApi api) : IdempotencyTests<HttpSqlServerApi>(api), IClassFixture<HttpSqlServerApi>;
