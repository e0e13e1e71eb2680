using Dapper;
using IopPlatform.Api.Hosting.DemoSeed;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Demo;

/// <summary>The API host as the demo seeder needs it: no per-caller rate limit (it sends thousands of requests).</summary>
public abstract class DemoApi(DatabaseEngine engine) : ApiFactory(engine)
{
    public override ValueTask InitializeAsync()
    {
        Set("RateLimiting:Enabled", "false");
        return base.InitializeAsync();
    }

    /// <summary>Runs the seeder against this host over HTTP, moving the test clock and running jobs as Hangfire would.</summary>
    internal Task<DemoSeedSummary> SeedAsync(DemoSeedOptions options, TextWriter? progress = null)
    {
        var jobs = Services.GetServices<RecurringJobDefinition>().ToDictionary(j => j.Id, StringComparer.Ordinal);
        var host = new DemoSeedHost(Admin(), CreateClient, Clock, Clock.SetUtcNow, (id, ct) => jobs[id].RunNowAsync(Services, ct), progress ?? TextWriter.Null);
        return new DemoSeeder(host, options).RunAsync(TestContext.Current.CancellationToken);
    }
}

public sealed class DemoSqliteApi() : DemoApi(DatabaseEngine.Sqlite);

public sealed class DemoPostgresApi() : DemoApi(DatabaseEngine.Postgres);

public sealed class DemoSqlServerApi() : DemoApi(DatabaseEngine.SqlServer);

/// <summary>
/// seed-demo over a small cohort: the product's own jobs raise believable alerts of every severity, and the same seed
/// on a fresh database gives exactly the same program.
/// </summary>
public abstract class DemoSeedTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : DemoApi, new()
{
    private static readonly DemoSeedOptions Small = new(Seed: 7, Patients: 20, Weeks: 8);

    [Fact]
    public async Task Seeded_cohort_raises_alerts_of_each_severity_and_the_same_seed_gives_the_same_counts()
    {
        var progress = new StringWriter();
        var first = await Api.SeedAsync(Small, progress);

        Assert.Equal((2, 3, 3, 20), (first.Sites, first.Programs, first.Groups, first.Patients));
        Assert.Equal(4, first.Patterns.Count);
        Assert.True(first.Discharged > 0 && first.ActiveEnrollments > 0, first.Fingerprint());
        Assert.True(first.AttendanceRecords > 100, first.Fingerprint());
        Assert.True(first.DrugTests > 20 && first.Measures > 20 && first.Notes > 0 && first.TreatmentPlans > 0, first.Fingerprint());
        // info: outreach tasks after no-shows; red: drifting patients by now. Dropout alerts start amber (two misses) and
        // rise, so amber shows in the alerts' history rather than among the open ones at the end.
        foreach (var severity in new[] { "info", "red" })
        {
            Assert.True(first.OpenAlertsBySeverity.GetValueOrDefault(severity) > 0, $"no {severity} alert: {first.Fingerprint()}");
        }
        await using (var connection = await Api.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct))
        {
            Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM engagement_alert_history WHERE action = 'raised' AND severity = 'amber'") > 0,
                $"no amber alert was ever raised: {first.Fingerprint()}");
        }
        Assert.Contains("no_show_outreach", first.OpenAlertsByRule.Keys);
        // A dropout-risk alert is open, raised by an attendance rule (the first to fire names it: often one no-show with a
        // return to use, before the second miss).
        Assert.Contains(first.OpenAlertsByRule.Keys, rule => rule is "consecutive_missed" or "no_recent_attendance" or "attendance_ratio" or "no_show_with_clinical_signal");
        Assert.Contains("week 8/8", progress.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("iop_", first.AdminApiKey, StringComparison.Ordinal);

        // The admin key the seeder hands out works.
        using var withKey = Api.CreateClient();
        withKey.DefaultRequestHeaders.Add("X-Api-Key", first.AdminApiKey);
        var programs = await withKey.GetAsync("/api/v1/programs", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, programs.StatusCode);

        // Same seed, fresh database of the same engine, same start instant: the same program, count for count.
        await using var again = new TApi();
        await again.InitializeAsync();
        again.SkipIfUnavailable();
        var second = await again.SeedAsync(Small);
        Assert.Equal(first.Fingerprint(), second.Fingerprint());
    }
}

public sealed class DemoSeedSqliteTests(DemoSqliteApi api) : DemoSeedTests<DemoSqliteApi>(api), IClassFixture<DemoSqliteApi>;

public sealed class DemoSeedPostgresTests(DemoPostgresApi api) : DemoSeedTests<DemoPostgresApi>(api), IClassFixture<DemoPostgresApi>;

public sealed class DemoSeedSqlServerTests(DemoSqlServerApi api) : DemoSeedTests<DemoSqlServerApi>(api), IClassFixture<DemoSqlServerApi>;
