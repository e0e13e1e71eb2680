using Hangfire;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>Hangfire keeps process-wide static state: every test hosting a Hangfire server runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireServersGroup
{
    public const string Name = "Alerts Hangfire servers";
}

/// <summary>A PostgreSQL alerts host running a Hangfire server on PostgreSQL storage.</summary>
public class AlertsHangfireApi : AlertsApi
{
    public AlertsHangfireApi()
        : base(DatabaseEngine.Postgres)
    {
        Set("Hangfire:ServerEnabled", "true");
        Set("Hangfire:Storage", "Auto");
        Set("Hangfire:WorkerCount", "4");
    }
}

/// <summary>
/// Two API instances, each with its own Hangfire server, on one PostgreSQL database: the drift job triggered on both
/// at once leaves one open alert per enrollment and rule, and one <c>alert.raised</c> outbox row per alert.
/// </summary>
[Collection(HangfireServersGroup.Name)]
public sealed class TwoServersDriftTests(AlertsHangfireApi api) : AlertsTest<AlertsHangfireApi>(api), IClassFixture<AlertsHangfireApi>
{
    private const string JobId = "engagement:detect-drift";

    private sealed record OpenAlert(Guid EnrollmentId, string RuleCode, string OpenKey);

    [Fact]
    public async Task Drift_job_triggered_on_two_servers_at_once_raises_each_alert_once()
    {
        await using var second = new AlertsHangfireApi();
        second.UseExistingDatabase(Api.ConnectionString);
        await second.InitializeAsync();

        var (programId, groupId) = await ProgramWithDailyGroup();
        var slipping = new[] { await ActiveEnrollment(programId, "Dana", "cm-a"), await ActiveEnrollment(programId, "Lee", "cm-b") };
        var steady = await ActiveEnrollment(programId, "Sam", "cm-c");
        var sessions = await Sessions(groupId);
        // Monday everyone attends; Tuesday and Wednesday only the steady patient does.
        Api.Clock.SetUtcNow(sessions[0].EndsAt.AddHours(1));
        foreach (var e in slipping.Append(steady))
        {
            await Present(sessions[0].Id, e.Id);
        }
        Api.Clock.SetUtcNow(sessions[2].EndsAt.AddHours(3));
        await Present(sessions[1].Id, steady.Id);
        await Present(sessions[2].Id, steady.Id);
        await FlagMissedSessions();
        second.Clock.SetUtcNow(Api.Clock.GetUtcNow());
        var before = await Count("SELECT COUNT(*) FROM engagement_alert");
        var raisedBefore = await Count("SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.raised'");
        var otherHistoryBefore = await Count("SELECT COUNT(*) FROM engagement_alert_history WHERE action <> 'raised'");

        var managers = new ApiFactory[] { Api, second }.Select(h => (IRecurringJobManagerV2)h.Services.GetRequiredService<IRecurringJobManager>()).ToList();
        var jobs = await Task.WhenAll(managers.Select(m => Task.Run(() => m.TriggerJob(JobId), Ct)));
        var states = await WaitForFinalStates(jobs, TimeSpan.FromSeconds(90));

        Assert.All(states, s => Assert.Equal("Succeeded", s));
        var open = await Rows<OpenAlert>("SELECT enrollment_id AS EnrollmentId, rule_code AS RuleCode, open_key AS OpenKey FROM engagement_alert WHERE status = 'open'");
        Assert.Equal(open.Count, open.Select(a => a.OpenKey).Distinct().Count());
        // One dropout-risk alert per slipping patient (whichever attendance rule) beside the two no-show tasks the missed-session job gave.
        var expected = slipping.SelectMany(e => new[] { DriftRuleCodes.ConsecutiveMissed, DriftRuleCodes.NoShowOutreach, DriftRuleCodes.NoShowOutreach }.Select(r => (e.Id, r)));
        Assert.Equal(expected.OrderBy(a => a.Id).ThenBy(a => a.r, StringComparer.Ordinal), open.Select(a => (a.EnrollmentId, a.RuleCode)).OrderBy(a => a.EnrollmentId).ThenBy(a => a.RuleCode, StringComparer.Ordinal));
        Assert.Equal(2, open.Count - before);
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM engagement_alert WHERE enrollment_id = @Id", new { steady.Id }));
        // One announcement per alert: the server that lost the race merged into the winner's alert and announced nothing.
        var raised = await Rows<Guid>("SELECT aggregate_id FROM engagement_outbox WHERE event_type = 'alert.raised'");
        Assert.Equal(2, raised.Count - raisedBefore);
        Assert.Equal(open.Count, raised.Distinct().Count());
        Assert.Equal(open.Count, await Count("SELECT COUNT(*) FROM engagement_alert_history WHERE action = 'raised'"));
        Assert.Equal(otherHistoryBefore, await Count("SELECT COUNT(*) FROM engagement_alert_history WHERE action <> 'raised'"));
    }

    private async Task<string[]> WaitForFinalStates(string[] jobIds, TimeSpan bound)
    {
        var storage = Api.Services.GetRequiredService<JobStorage>();
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            using var connection = storage.GetConnection();
            var states = jobIds.Select(id => connection.GetStateData(id)?.Name ?? "none").ToArray();
            if (states.All(s => s is "Succeeded" or "Failed" or "Deleted") || DateTime.UtcNow > deadline)
            {
                return states;
            }
            await Task.Delay(250, Ct);
        }
    }
}
