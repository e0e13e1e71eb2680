using System.Collections.Concurrent;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Scheduling.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Scheduling.Tests;

/// <summary>Records the notifications Scheduling publishes, so tests can assert each is published exactly once.</summary>
public sealed class PublishedNotifications
{
    public ConcurrentQueue<SessionMissed> Missed { get; } = new();

    public ConcurrentQueue<AttendanceRecorded> Recorded { get; } = new();
}

internal sealed class SessionMissedRecorder(PublishedNotifications published) : INotificationHandler<SessionMissed>, INotificationHandler<AttendanceRecorded>
{
    public Task Handle(SessionMissed notification, CancellationToken cancellationToken)
    {
        published.Missed.Enqueue(notification);
        return Task.CompletedTask;
    }

    public Task Handle(AttendanceRecorded notification, CancellationToken cancellationToken)
    {
        published.Recorded.Enqueue(notification);
        return Task.CompletedTask;
    }
}

/// <summary>The API host plus a listener for Scheduling's notifications (a stand-in for the modules that react to them).</summary>
public abstract class SchedulingApi(DatabaseEngine engine) : ApiFactory(engine)
{
    public PublishedNotifications Published { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Published);
        services.AddTransient<INotificationHandler<SessionMissed>, SessionMissedRecorder>();
        services.AddTransient<INotificationHandler<AttendanceRecorded>, SessionMissedRecorder>();
    }
}

public sealed class SchedulingSqliteApi() : SchedulingApi(DatabaseEngine.Sqlite);

public sealed class SchedulingPostgresApi() : SchedulingApi(DatabaseEngine.Postgres);

public sealed class SchedulingSqlServerApi() : SchedulingApi(DatabaseEngine.SqlServer);
