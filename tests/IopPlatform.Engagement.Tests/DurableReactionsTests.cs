using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Reactions;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>Which production reaction handlers fail their next attempt (each once), armed by a test.</summary>
public sealed class InjectedFaults
{
    private readonly ConcurrentDictionary<Type, ConcurrentDictionary<Type, bool>> _armed = new();

    public void FailFirstAttempt<TNotification>() => _armed.TryAdd(typeof(TNotification), new ConcurrentDictionary<Type, bool>());

    /// <summary>True the first time a handler of an armed notification asks.</summary>
    public bool Fails(Type notification, Type handler) => _armed.TryGetValue(notification, out var failed) && failed.TryAdd(handler, true);
}

/// <summary>Wraps a production handler: throws before it runs when the test armed a fault for its notification.</summary>
public sealed class FailingFirst<TNotification, THandler>(InjectedFaults faults, THandler inner) : INotificationHandler<TNotification>
    where TNotification : INotification
    where THandler : INotificationHandler<TNotification>
{
    public Task Handle(TNotification notification, CancellationToken cancellationToken) =>
        faults.Fails(typeof(TNotification), typeof(THandler))
            ? throw new InvalidOperationException($"injected fault in {typeof(THandler).Name}")
            : inner.Handle(notification, cancellationToken);
}

/// <summary>The API with every production reaction handler wrapped by <see cref="FailingFirst{TNotification,THandler}"/>; one failure counts as stuck.</summary>
public abstract class ReactionFaultsApi : AlertsApi
{
    protected ReactionFaultsApi(DatabaseEngine engine)
        : base(engine) => Set("Reactions:StuckAfterAttempts", "1");

    public InjectedFaults Faults { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Faults);
        var production = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(INotificationHandler<>)
                        && d.ImplementationType?.Assembly.GetName().Name is { } name && name.StartsWith("IopPlatform.", StringComparison.Ordinal) && !name.EndsWith(".Tests", StringComparison.Ordinal))
            .ToList();
        foreach (var descriptor in production)
        {
            services.Remove(descriptor);
            var implementation = descriptor.ImplementationType!;
            var decorator = typeof(FailingFirst<,>).MakeGenericType(descriptor.ServiceType.GetGenericArguments()[0], implementation);
            services.Add(new ServiceDescriptor(descriptor.ServiceType, sp =>
                Activator.CreateInstance(decorator, sp.GetRequiredService<InjectedFaults>(), ActivatorUtilities.CreateInstance(sp, implementation))!, descriptor.Lifetime));
        }
    }
}

public sealed class ReactionFaultsSqliteApi() : ReactionFaultsApi(DatabaseEngine.Sqlite);

public sealed class ReactionFaultsPostgresApi() : ReactionFaultsApi(DatabaseEngine.Postgres);

public sealed class ReactionFaultsSqlServerApi() : ReactionFaultsApi(DatabaseEngine.SqlServer);

/// <summary>What the reaction tests count: bookings, safety alerts and their <c>alert.raised</c> events.</summary>
public abstract class ReactionTest<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    protected Task<long> BookedFutureSessions(Guid enrollmentId) =>
        Count("SELECT COUNT(*) FROM scheduling_booking b JOIN scheduling_session s ON s.id = b.session_id WHERE b.enrollment_id = @Id AND b.status = 'booked' AND s.starts_at > @Now",
            new { Id = enrollmentId, Now = Host.Clock.GetUtcNow() });

    protected Task<long> DuplicateBookings(Guid enrollmentId) =>
        Count("SELECT COUNT(*) - COUNT(DISTINCT session_id) FROM scheduling_booking WHERE enrollment_id = @Id", new { Id = enrollmentId });

    protected Task<long> SafetyAlerts(Guid enrollmentId) =>
        Count("SELECT COUNT(*) FROM engagement_alert WHERE enrollment_id = @Id AND rule_code = @Rule", new { Id = enrollmentId, Rule = DriftRuleCodes.Safety });

    protected Task<long> SafetyAlertRaisedEvents(Guid enrollmentId) =>
        Count("SELECT COUNT(*) FROM engagement_outbox o JOIN engagement_alert a ON a.id = o.aggregate_id WHERE a.enrollment_id = @Id AND a.rule_code = @Rule AND o.event_type = 'alert.raised'",
            new { Id = enrollmentId, Rule = DriftRuleCodes.Safety });
}

/// <summary>
/// A reaction whose handler throws does not fail the caller's committed change (2xx), is visible as stuck, and its
/// effect happens on the next run of <c>platform:deliver-reactions</c> — exactly once however often the job runs.
/// </summary>
public abstract class ReactionFaultTests<TApi>(TApi api) : ReactionTest<TApi>(api)
    where TApi : ReactionFaultsApi
{
    public sealed class ReactionRow
    {
        public string Status { get; init; } = string.Empty;

        public int Attempts { get; init; }

        public string? LastError { get; init; }
    }

    [Fact]
    public async Task Admission_answers_2xx_when_the_booking_throws_and_the_booking_happens_once_on_the_next_run()
    {
        var (programId, _) = await ProgramWithDailyGroup();
        Api.Faults.FailFirstAttempt<Enrollment.Contracts.EnrollmentActivated>();
        var enrollment = await ActiveEnrollment(programId, "Ash", "cm-f1");
        Assert.Equal(0, await BookedFutureSessions(enrollment.Id));

        var pending = await Reaction("EnrollmentActivated", enrollment.Id);
        Assert.Equal(("pending", 1), (pending.Status, pending.Attempts));
        Assert.Contains("injected fault in EnrollmentReactionsHandler", pending.LastError, StringComparison.Ordinal);
        var stuck = await (await Api.Admin().GetAsync("/api/v1/reactions?stuckOnly=true&limit=200", Ct)).Read<CursorPage<PendingReaction>>();
        Assert.Contains(stuck.Items, r => r.OrderingKey == enrollment.Id && r.NotificationType.EndsWith(".EnrollmentActivated", StringComparison.Ordinal) && r.Stuck);
        var health = await (await Api.Anonymous().GetAsync("/health/ready", Ct)).Read<JsonElement>();
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("reactions").GetProperty("status").GetString());

        Api.Clock.Advance(TimeSpan.FromMinutes(1));
        await Run(new DeliverReactions());
        var booked = await BookedFutureSessions(enrollment.Id);
        Assert.True(booked > 0, "the admission's booking was never made");
        await Run(new DeliverReactions());
        Api.Clock.Advance(TimeSpan.FromMinutes(10));
        await Run(new DeliverReactions());
        Assert.Equal(booked, await BookedFutureSessions(enrollment.Id));
        Assert.Equal(0, await DuplicateBookings(enrollment.Id));
        Assert.Equal(("done", 1), ((await Reaction("EnrollmentActivated", enrollment.Id)).Status, (await Reaction("EnrollmentActivated", enrollment.Id)).Attempts));
        Assert.DoesNotContain((await (await Api.Admin().GetAsync("/api/v1/reactions?limit=200", Ct)).Read<CursorPage<PendingReaction>>()).Items, r => r.OrderingKey == enrollment.Id);
        await (await Api.Admin().GetAsync("/api/v1/reactions?cursor=not-a-cursor", Ct)).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Phq9_item9_is_committed_when_the_safety_alert_throws_and_the_alert_is_raised_once_on_the_next_run()
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, "Blake", "cm-f2");
        Api.Faults.FailFirstAttempt<Outcomes.Contracts.SafetyConcernRaised>();
        await (await Clinician().PostJson($"/api/v1/enrollments/{enrollment.Id}/measures", new { instrument = "phq9", administeredAt = Now.AddHours(-1), answers = new[] { 1, 1, 1, 1, 1, 1, 1, 1, 2 } }))
            .Read<IdOnly>(HttpStatusCode.Created);
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM outcomes_safety_alert WHERE enrollment_id = @Id", new { enrollment.Id }));
        Assert.Equal(0, await SafetyAlerts(enrollment.Id));
        Assert.Equal(("pending", 1), ((await Reaction("SafetyConcernRaised", enrollment.Id)).Status, (await Reaction("SafetyConcernRaised", enrollment.Id)).Attempts));

        Api.Clock.Advance(TimeSpan.FromMinutes(1));
        await Run(new DeliverReactions());
        await Run(new DeliverReactions());
        Assert.Equal(1, await SafetyAlerts(enrollment.Id));
        Assert.Equal(1, await SafetyAlertRaisedEvents(enrollment.Id));
        Assert.Equal("done", (await Reaction("SafetyConcernRaised", enrollment.Id)).Status);
    }

    private async Task<ReactionRow> Reaction(string type, Guid orderingKey) =>
        Assert.Single(await Rows<ReactionRow>(
            "SELECT status, attempts, last_error AS LastError FROM platform_reaction_outbox WHERE ordering_key = @Key AND notification_type LIKE @Type",
            new { Key = orderingKey, Type = $"%.{type}, %" }));

}

public sealed class ReactionFaultSqliteTests(ReactionFaultsSqliteApi api) : ReactionFaultTests<ReactionFaultsSqliteApi>(api), IClassFixture<ReactionFaultsSqliteApi>;

public sealed class ReactionFaultPostgresTests(ReactionFaultsPostgresApi api) : ReactionFaultTests<ReactionFaultsPostgresApi>(api), IClassFixture<ReactionFaultsPostgresApi>;

public sealed class ReactionFaultSqlServerTests(ReactionFaultsSqlServerApi api) : ReactionFaultTests<ReactionFaultsSqlServerApi>(api), IClassFixture<ReactionFaultsSqlServerApi>;

/// <summary>
/// A host whose process "stops right after the commit": reactions are never delivered inline, and the job never runs
/// unless the test runs it, so everything committed is left undelivered when the host is disposed.
/// </summary>
public abstract class StopsAfterCommitApi : AlertsApi
{
    protected StopsAfterCommitApi(DatabaseEngine engine)
        : base(engine) => Set("Reactions:DeliverInline", "false");
}

public sealed class StopsAfterCommitSqliteApi() : StopsAfterCommitApi(DatabaseEngine.Sqlite);

public sealed class StopsAfterCommitPostgresApi() : StopsAfterCommitApi(DatabaseEngine.Postgres);

/// <summary>
/// The four reactions of issue 17 survive the process stopping right after their changes commit: an admission, a PHQ-9
/// with item 9 above zero, a signed note with a partner subscribed to <c>note.signed</c>, a discharge with open alerts.
/// A new host on the same database carries each out exactly once, however often its jobs run.
/// </summary>
public abstract class ReactionRestartTests<TStopping, TRestarted>(TStopping api) : ReactionTest<TStopping>(api)
    where TStopping : StopsAfterCommitApi, new()
    where TRestarted : AlertsApi, new()
{
    private static readonly Dictionary<string, string> Birp = new()
    {
        ["behavior"] = "Arrived on time, engaged.",
        ["intervention"] = "Reviewed trigger log.",
        ["response"] = "Identified two triggers.",
        ["plan"] = "Continue weekly.",
    };

    [Fact]
    public async Task Every_reaction_committed_before_the_stop_happens_once_after_the_restart()
    {
        var port = WebhookReceiver.FreePort();
        Guid admittedId = Guid.Empty, leavingId = Guid.Empty, noteId = Guid.Empty, outreach = Guid.Empty;
        await AcrossRestart<TStopping, TRestarted>(
            async first =>
            {
                var (programId, groupId) = await ProgramWithDailyGroup();

                // Setup the stop must not interrupt: an enrollment with a no-show outreach alert, to be discharged.
                var leaving = await ActiveEnrollment(programId, "Lee", "cm-r1");
                leavingId = leaving.Id;
                await Run(new DeliverReactions());
                var session = (await Sessions(groupId))[0];
                first.Clock.SetUtcNow(session.EndsAt.AddHours(3));
                await FlagMissedSessions();
                await Run(new DeliverReactions());
                var leavingBookings = await BookedFutureSessions(leaving.Id);
                Assert.True(leavingBookings > 0);
                outreach = Assert.Single(await Rows<Guid>("SELECT id FROM engagement_alert WHERE enrollment_id = @Id AND status = 'open'", new { leaving.Id }));

                // The four changes, each committed with its reaction or outbox row, none carried out before the stop.
                var admitted = await ActiveEnrollment(programId, "Ada", "cm-r2");
                admittedId = admitted.Id;
                await (await Clinician().PostJson($"/api/v1/enrollments/{admitted.Id}/measures", new { instrument = "phq9", administeredAt = Now.AddHours(-1), answers = new[] { 0, 1, 0, 1, 0, 1, 0, 1, 1 } }))
                    .Read<IdOnly>(HttpStatusCode.Created);
                noteId = await SignedNoteWithSubscriber(first, admitted, port);
                var current = await (await Clinician().GetAsync($"/api/v1/enrollments/{leaving.Id}", Ct)).Read<Enrollment.Contracts.EnrollmentDto>();
                await (await Post(Clinician(), $"/api/v1/enrollments/{leaving.Id}/discharge", current.Version, new { reason = "left_before_completion", note = "moved away" })).Read<IdOnly>();

                Assert.Equal(0, await BookedFutureSessions(admitted.Id));
                Assert.Equal(0, await SafetyAlerts(admitted.Id));
                Assert.Equal("open", await AlertStatus(outreach));
                Assert.Equal(leavingBookings, await BookedFutureSessions(leaving.Id));
                Assert.Equal(1, await Count("SELECT COUNT(*) FROM clinical_notes_outbox WHERE aggregate_id = @Id AND dispatched_at IS NULL", new { Id = noteId }));
                Assert.True(await Count("SELECT COUNT(*) FROM platform_reaction_outbox WHERE status = 'pending'") >= 4);
            },
            TimeSpan.FromMinutes(1),
            async _ =>
            {
                await using var receiver = new WebhookReceiver(port);
                for (var run = 0; run < 3; run++)
                {
                    await Run(new DeliverReactions());
                    await Run(new DispatchOutboxCommand());
                }

                Assert.True(await BookedFutureSessions(admittedId) > 0, "the admission's booking was lost");
                Assert.Equal(0, await DuplicateBookings(admittedId));
                Assert.Equal(1, await SafetyAlerts(admittedId));
                Assert.Equal(1, await SafetyAlertRaisedEvents(admittedId));
                var delivered = Assert.Single(receiver.Requests, r => r.Body.Contains(noteId.ToString(), StringComparison.Ordinal));
                Assert.Contains("\"type\":\"note.signed\"", delivered.Body, StringComparison.Ordinal);
                Assert.Equal("resolved", await AlertStatus(outreach));
                Assert.Equal(1, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE aggregate_id = @Id AND event_type = 'alert.resolved'", new { Id = outreach }));
                Assert.Equal(0, await BookedFutureSessions(leavingId));
                Assert.Equal(0, await Count("SELECT COUNT(*) FROM platform_reaction_outbox WHERE status = 'pending'"));
            });
    }

    /// <summary>A partner with consent subscribed to <c>note.signed</c>, and a note signed for the enrollment; returns the note id.</summary>
    private async Task<Guid> SignedNoteWithSubscriber(AlertsApi host, Enrollment.Contracts.EnrollmentDto enrollment, int port)
    {
        var partner = await host.PartnerClientAsync();
        await Consent(enrollment.PatientId, partner.ClientId, categories: ["clinical_note", "enrollment"]);
        await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url = $"http://127.0.0.1:{port}/notes", events = new[] { "note.signed" } }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        await (await Send(host.Admin(), HttpMethod.Put, "/api/v1/clinicians/clin-r", null, new { displayName = "Clin R", credentials = "LCSW", requiresCosign = false })).Read<IdOnly>();
        var author = host.ClientAs(Roles.Clinician, "clin-r");
        var note = await (await author.PostJson($"/api/v1/enrollments/{enrollment.Id}/notes", new { kind = "individual", format = "birp", sections = Birp, serviceDate = "2026-03-02", startTime = "10:00", endTime = "11:00" }))
            .Read<IdOnly>(HttpStatusCode.Created);
        await (await Post(author, $"/api/v1/notes/{note.Id}/sign", 1)).Read<IdOnly>();
        return note.Id;
    }


    private async Task<string> AlertStatus(Guid alertId) => Assert.Single(await Rows<string>("SELECT status FROM engagement_alert WHERE id = @Id", new { Id = alertId }));
}

public sealed class ReactionRestartSqliteTests(StopsAfterCommitSqliteApi api)
    : ReactionRestartTests<StopsAfterCommitSqliteApi, AlertsSqliteApi>(api), IClassFixture<StopsAfterCommitSqliteApi>;

public sealed class ReactionRestartPostgresTests(StopsAfterCommitPostgresApi api)
    : ReactionRestartTests<StopsAfterCommitPostgresApi, AlertsPostgresApi>(api), IClassFixture<StopsAfterCommitPostgresApi>;
