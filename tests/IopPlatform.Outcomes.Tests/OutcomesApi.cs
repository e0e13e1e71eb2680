using System.Collections.Concurrent;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Outcomes.Tests;

/// <summary>Collects what the module publishes, so tests can assert each notification went out (and only once).</summary>
public sealed class PublishedNotifications
{
    private readonly ConcurrentQueue<INotification> _items = new();

    public void Add(INotification notification) => _items.Enqueue(notification);

    public IReadOnlyList<T> Of<T>() => _items.OfType<T>().ToList();
}

public sealed class RecordingHandler<T>(PublishedNotifications published) : INotificationHandler<T>
    where T : INotification
{
    public Task Handle(T notification, CancellationToken cancellationToken)
    {
        published.Add(notification);
        return Task.CompletedTask;
    }
}

public abstract class OutcomesApiBase(DatabaseEngine engine) : ApiFactory(engine)
{
    private readonly SemaphoreSlim _programLock = new(1, 1);
    private ProgramDto? _program;

    public PublishedNotifications Published { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Published);
        services.AddTransient<INotificationHandler<Contracts.MeasureScored>, RecordingHandler<Contracts.MeasureScored>>();
        services.AddTransient<INotificationHandler<Contracts.SafetyConcernRaised>, RecordingHandler<Contracts.SafetyConcernRaised>>();
        services.AddTransient<INotificationHandler<Contracts.DrugTestRecorded>, RecordingHandler<Contracts.DrugTestRecorded>>();
        services.AddTransient<INotificationHandler<Contracts.MilestoneAchieved>, RecordingHandler<Contracts.MilestoneAchieved>>();
    }

    /// <summary>The program most tests enroll into (created once per class).</summary>
    public async Task<ProgramDto> DefaultProgramAsync()
    {
        await _programLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _program ??= await this.CreateProgramAsync("Outcomes IOP");
        }
        finally
        {
            _programLock.Release();
        }
    }

    /// <summary>
    /// A real enrollment, admitted through Enrollment's API <paramref name="daysAgo"/> days before the clock's new
    /// "now": it is admitted at the current instant and the (shared, forward-only) clock then moves on. Care team:
    /// counsellor-1 and cm-1. Returns what Outcomes itself sees of it (the clinical profile contract).
    /// </summary>
    public async Task<EnrollmentClinicalProfileDto> EnrollAsync(double daysAgo, Guid? programId = null, params string[] prescribed)
    {
        var program = programId ?? (await DefaultProgramAsync()).Id;
        var admitted = await this.AdmitNewPatientAsync(program, prescribed);
        await this.SetCareTeamAsync(admitted, "counsellor-1", "cm-1");
        if (daysAgo > 0)
        {
            Clock.Advance(TimeSpan.FromDays(daysAgo));
        }
        return await ProfileAsync(admitted.Id);
    }

    public async Task<EnrollmentClinicalProfileDto> ProfileAsync(Guid enrollmentId)
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetEnrollmentClinicalProfileQuery(enrollmentId), TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException($"Enrollment {enrollmentId} was just admitted but Enrollment does not know it.");
    }
}

public sealed class OutcomesSqliteApi() : OutcomesApiBase(DatabaseEngine.Sqlite);

public sealed class OutcomesPostgresApi() : OutcomesApiBase(DatabaseEngine.Postgres);

public sealed class OutcomesSqlServerApi() : OutcomesApiBase(DatabaseEngine.SqlServer);
