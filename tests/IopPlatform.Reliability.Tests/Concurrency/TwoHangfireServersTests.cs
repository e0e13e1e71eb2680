using System.Net;
using System.Text.Json;
using Dapper;
using Hangfire;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Reliability.Tests.Concurrency;

/// <summary>Hangfire keeps process-wide static state: every test hosting a Hangfire server runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireServersGroup
{
    public const string Name = "Hangfire servers";
}

/// <summary>A PostgreSQL host that runs a Hangfire server on PostgreSQL storage.</summary>
public class HangfireServerApi : ReliabilityApi
{
    public HangfireServerApi()
        : base(DatabaseEngine.Postgres)
    {
        Set("Hangfire:ServerEnabled", "true");
        Set("Hangfire:Storage", "Auto");
        Set("Hangfire:WorkerCount", "4");
    }
}

/// <summary>A second instance on the database (and so the Hangfire storage) of another host.</summary>
public sealed class SecondHangfireServerApi : HangfireServerApi
{
    public SecondHangfireServerApi(string sharedConnectionString) => Set("ConnectionStrings:Iop", sharedConnectionString);
}

/// <summary>
/// Two API instances, each with its own Hangfire server, on one PostgreSQL database: the missed-session job triggered
/// on both at once marks each booked patient absent once and writes each <c>session.missed</c> event once.
/// </summary>
[Collection(HangfireServersGroup.Name)]
public sealed class TwoHangfireServersTests(HangfireServerApi api) : EngineTest<HangfireServerApi>(api), IClassFixture<HangfireServerApi>
{
    private const string JobId = "scheduling:flag-missed-sessions";

    [Fact]
    public async Task Missed_session_job_triggered_on_two_servers_at_once_marks_and_emits_each_absence_once()
    {
        await using var second = new SecondHangfireServerApi(Api.ConnectionString);
        await second.InitializeAsync();
        second.SkipIfUnavailable();

        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Two servers", timeZone = "America/Chicago" })).Read<JsonElement>(HttpStatusCode.Created);
        var siteId = site.GetProperty("id").GetGuid();
        var group = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId,
            name = "Evening recovery",
            track = "adult",
            sessionKind = "group_recovery",
            capacity = 12,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" },
            startTime = "18:00",
            endTime = "21:00",
            firstDate = "2026-03-02",
        })).Read<JsonElement>(HttpStatusCode.Created);
        var groupId = group.GetProperty("id").GetGuid();
        var enrollments = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var enrollmentId = Guid.CreateVersion7();
            await using var scope = Api.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(
                new EnrollmentActivated(enrollmentId, Guid.CreateVersion7(), Guid.CreateVersion7(), siteId, new DateOnly(2026, 3, 2), AgeGroup.Adult, 9m, [groupId], Api.Clock.GetUtcNow()), Ct);
            enrollments.Add(enrollmentId);
        }
        var sessions = await (await admin.GetAsync($"/api/v1/groups/{groupId}/sessions?limit=200", Ct)).Read<JsonElement>();
        var session = sessions.GetProperty("items").EnumerateArray().First(s => s.GetProperty("startsAt").GetDateTimeOffset() > Api.Clock.GetUtcNow());
        var sessionId = session.GetProperty("id").GetGuid();
        MoveBoth(session.GetProperty("startsAt").GetDateTimeOffset().AddMinutes(10), second);
        // One patient recorded: the roster was taken, so the others are absent (not "attendance not taken").
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/sessions/{sessionId}/attendance", new { enrollmentId = enrollments[0], status = "present" }))
            .Read<JsonElement>(HttpStatusCode.Created);
        MoveBoth(session.GetProperty("endsAt").GetDateTimeOffset().AddHours(3), second);

        var managers = new[] { Api, second }.Select(h => (IRecurringJobManagerV2)h.Services.GetRequiredService<IRecurringJobManager>()).ToList();
        var jobs = await Task.WhenAll(managers.Select(m => Task.Run(() => m.TriggerJob(JobId), Ct)));
        var states = await WaitForFinalStates(jobs, TimeSpan.FromSeconds(90));

        Assert.All(states, s => Assert.Equal("Succeeded", s));
        await using var db = await Api.OpenDatabase();
        var absences = (await db.QueryAsync<Guid>(
            "SELECT enrollment_id FROM scheduling_attendance WHERE session_id = @sessionId AND status = 'absent_unexcused'", new { sessionId })).ToList();
        Assert.Equal(enrollments.Skip(1).Order(), absences.Order());
        var events = (await db.QueryAsync<string>(
            "SELECT payload FROM scheduling_outbox WHERE event_type = 'session.missed' AND payload LIKE @pattern", new { pattern = $"%{sessionId}%" })).ToList();
        Assert.Equal(3, events.Count);
        Assert.Equal(3, events.Select(p => JsonDocument.Parse(p).RootElement.GetProperty("enrollmentId").GetGuid()).Distinct().Count());
    }

    private void MoveBoth(DateTimeOffset instant, ApiFactory second)
    {
        Api.Clock.SetUtcNow(instant);
        second.Clock.SetUtcNow(instant);
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
