using System.Globalization;
using IopPlatform.Fhir.Features.Pipeline;

namespace IopPlatform.Fhir.Features.EpisodesOfCare;

/// <summary>EpisodeOfCare from the Enrollment module's enrollments: status with its history, level of care as the type.</summary>
internal sealed class EpisodeOfCareSource : IFhirResourceSource
{
    private static readonly Dictionary<EnrollmentStatus, EpisodeOfCare.EpisodeOfCareStatus> Statuses = new()
    {
        [EnrollmentStatus.Referred] = EpisodeOfCare.EpisodeOfCareStatus.Planned,
        [EnrollmentStatus.Screened] = EpisodeOfCare.EpisodeOfCareStatus.Waitlist,
        [EnrollmentStatus.Active] = EpisodeOfCare.EpisodeOfCareStatus.Active,
        [EnrollmentStatus.OnHold] = EpisodeOfCare.EpisodeOfCareStatus.Onhold,
        [EnrollmentStatus.Discharged] = EpisodeOfCare.EpisodeOfCareStatus.Finished,
        [EnrollmentStatus.Cancelled] = EpisodeOfCare.EpisodeOfCareStatus.Cancelled,
    };

    public string Type => "EpisodeOfCare";

    public string Category => InformationCategories.Enrollment;

    public IReadOnlyList<string> Roles { get; } = [.. BuildingBlocks.Security.Roles.Staff, BuildingBlocks.Security.Roles.Partner];

    public IReadOnlyList<string> Profiles { get; } = [];

    public IReadOnlyList<FhirSearchParameter> SearchParameters { get; } =
    [
        new("_id", SearchParamType.Token, "The episode's id."),
        new("patient", SearchParamType.Reference, "The patient (id or Patient/id)."),
        new("status", SearchParamType.Token, "planned (referred), waitlist (screened), active, onhold, finished (discharged), cancelled; comma-separated for any of several."),
    ];

    public async Task<FhirRecord?> ReadAsync(IMediator mediator, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var enrollmentId)
            ? (await mediator.Send(new FindEpisodesQuery(enrollmentId, null, [], null, 1), ct)).Select(Map).SingleOrDefault()
            : null;

    public async Task<FhirRecordPage> SearchAsync(IMediator mediator, FhirSearch search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        var statuses = new List<EnrollmentStatus>();
        if (search.Single("status") is { } status)
        {
            foreach (var code in status.Split(','))
            {
                var (_, value) = FhirSearchValues.Token("status", code);
                var match = Statuses.Where(s => s.Value.GetLiteral() == value).Select(s => (EnrollmentStatus?)s.Key).SingleOrDefault()
                    ?? throw new BadRequestException("status", $"'{value}' is not an EpisodeOfCare status this server uses ({string.Join(", ", Statuses.Values.Select(v => v.GetLiteral()))}).");
                statuses.Add(match);
            }
        }
        var rows = await mediator.Send(new FindEpisodesQuery(
            FhirSearchValues.Reference("_id", Type, search.Single("_id")),
            FhirSearchValues.Reference("patient", "Patient", search.Single("patient")),
            statuses, FhirPaging.After(search), FhirPaging.Take(search)), ct);
        return FhirPaging.Page(rows, search, e => e.Id, Map);
    }

    private static FhirRecord Map(EnrollmentDto episode)
    {
        var resource = new EpisodeOfCare
        {
            Id = episode.Id.ToString(),
            Meta = new Meta { VersionId = episode.Version.ToString(CultureInfo.InvariantCulture) },
            Status = Statuses[episode.Status],
            Patient = new ResourceReference($"Patient/{episode.PatientId}"),
            Period = new Period
            {
                Start = Day(episode.AdmissionDate ?? episode.ReferralDate),
                End = episode.DischargeDate is { } discharged ? Day(discharged) : null,
            },
        };
        if ((episode.Screening.ActualLevelOfCare ?? episode.Screening.RecommendedLevelOfCare) is { } level)
        {
            resource.Type.Add(new CodeableConcept(FhirCodeSystems.LevelOfCare, level.Trim()) { Text = $"Level of care {level.Trim()}" });
        }
        var history = episode.History;
        for (var i = 0; i < history.Count; i++)
        {
            resource.StatusHistory.Add(new EpisodeOfCare.StatusHistoryComponent
            {
                Status = Statuses[history[i].To],
                Period = new Period
                {
                    Start = Instant(history[i].ChangedAt),
                    End = i + 1 < history.Count ? Instant(history[i + 1].ChangedAt) : null,
                },
            });
        }
        return new FhirRecord(resource, episode.PatientId, $"enrollment/{episode.Id}");
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
