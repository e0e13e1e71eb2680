using System.Collections.Concurrent;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.ClinicalNotes.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.ClinicalNotes.Tests;

/// <summary>Records the notifications ClinicalNotes publishes (a stand-in for the modules that react to them).</summary>
public sealed class PublishedNotes
{
    public ConcurrentQueue<NoteSigned> Signatures { get; } = new();

    public ConcurrentQueue<NoteAddended> Addended { get; } = new();

    public ConcurrentQueue<NoteOverdue> Overdue { get; } = new();
}

internal sealed class NoteNotificationRecorder(PublishedNotes published)
    : INotificationHandler<NoteSigned>, INotificationHandler<NoteAddended>, INotificationHandler<NoteOverdue>
{
    public Task Handle(NoteSigned notification, CancellationToken cancellationToken)
    {
        published.Signatures.Enqueue(notification);
        return Task.CompletedTask;
    }

    public Task Handle(NoteAddended notification, CancellationToken cancellationToken)
    {
        published.Addended.Enqueue(notification);
        return Task.CompletedTask;
    }

    public Task Handle(NoteOverdue notification, CancellationToken cancellationToken)
    {
        published.Overdue.Enqueue(notification);
        return Task.CompletedTask;
    }
}

public abstract class NotesApi(DatabaseEngine engine) : ApiFactory(engine)
{
    public PublishedNotes Published { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Published);
        services.AddTransient<INotificationHandler<NoteSigned>, NoteNotificationRecorder>();
        services.AddTransient<INotificationHandler<NoteAddended>, NoteNotificationRecorder>();
        services.AddTransient<INotificationHandler<NoteOverdue>, NoteNotificationRecorder>();
    }
}

public sealed class NotesSqliteApi() : NotesApi(DatabaseEngine.Sqlite);

public sealed class NotesPostgresApi() : NotesApi(DatabaseEngine.Postgres);

public sealed class NotesSqlServerApi() : NotesApi(DatabaseEngine.SqlServer);
