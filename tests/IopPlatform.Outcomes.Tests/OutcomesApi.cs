using System.Collections.Concurrent;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Outcomes.Tests;

// STAND-IN for the Enrollment module's contract. Everything in this file exists only because Enrollment's handler for
// GetEnrollmentClinicalProfileQuery is not merged yet; once it is, delete this file and create real enrollments in the tests.

/// <summary>Clinical profiles the tests register by hand; the stub handler answers from here.</summary>
public sealed class StubClinicalProfiles
{
    private readonly ConcurrentDictionary<Guid, EnrollmentClinicalProfileDto> _profiles = new();

    /// <summary>Registers an active enrollment admitted at <paramref name="admittedAt"/> and returns it.</summary>
    public EnrollmentClinicalProfileDto Add(DateTimeOffset? admittedAt, Guid? programId = null, params string[] prescribed)
    {
        var profile = new EnrollmentClinicalProfileDto
        {
            EnrollmentId = Guid.CreateVersion7(),
            PatientId = Guid.CreateVersion7(),
            ProgramId = programId ?? Guid.CreateVersion7(),
            Status = admittedAt is null ? "screened" : "active",
            AgeGroup = "adult",
            AdmittedAt = admittedAt,
            PrescribedAnalytes = prescribed,
            CaseManagerId = "cm-1",
            PrimaryCounsellorId = "counsellor-1",
        };
        _profiles[profile.EnrollmentId] = profile;
        return profile;
    }

    public EnrollmentClinicalProfileDto? Find(Guid enrollmentId) => _profiles.GetValueOrDefault(enrollmentId);
}

/// <summary>Answers the Enrollment contract from <see cref="StubClinicalProfiles"/> (null for unknown ids, like the real one).</summary>
public sealed class StubClinicalProfileHandler(StubClinicalProfiles profiles) : IRequestHandler<GetEnrollmentClinicalProfileQuery, EnrollmentClinicalProfileDto?>
{
    public Task<EnrollmentClinicalProfileDto?> Handle(GetEnrollmentClinicalProfileQuery request, CancellationToken cancellationToken) =>
        Task.FromResult(profiles.Find(request.EnrollmentId));
}

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
    public StubClinicalProfiles Profiles { get; } = new();

    public PublishedNotifications Published { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Profiles);
        services.AddSingleton(Published);
        services.AddTransient<IRequestHandler<GetEnrollmentClinicalProfileQuery, EnrollmentClinicalProfileDto?>, StubClinicalProfileHandler>();
        services.AddTransient<INotificationHandler<Contracts.MeasureScored>, RecordingHandler<Contracts.MeasureScored>>();
        services.AddTransient<INotificationHandler<Contracts.SafetyConcernRaised>, RecordingHandler<Contracts.SafetyConcernRaised>>();
        services.AddTransient<INotificationHandler<Contracts.DrugTestRecorded>, RecordingHandler<Contracts.DrugTestRecorded>>();
        services.AddTransient<INotificationHandler<Contracts.MilestoneAchieved>, RecordingHandler<Contracts.MilestoneAchieved>>();
    }
}

public sealed class OutcomesSqliteApi() : OutcomesApiBase(DatabaseEngine.Sqlite);

public sealed class OutcomesPostgresApi() : OutcomesApiBase(DatabaseEngine.Postgres);
