namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>Which scheduled instruments an enrollment is due for under its program's cadence.</summary>
internal sealed record GetMeasuresDueQuery(Guid EnrollmentId) : IRequest<IReadOnlyList<MeasureDueDto>>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Measure;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetMeasuresDueHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, IAuditScope audit)
    : IRequestHandler<GetMeasuresDueQuery, IReadOnlyList<MeasureDueDto>>
{
    private const string LastByInstrument = """
        SELECT instrument, MAX(administered_at) AS LastAt FROM outcomes_measure WHERE enrollment_id = @EnrollmentId GROUP BY instrument
        """;

    private sealed class LastRow
    {
        public string Instrument { get; init; } = string.Empty;

        public DateTimeOffset LastAt { get; init; }
    }

    public async Task<IReadOnlyList<MeasureDueDto>> Handle(GetMeasuresDueQuery request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        var (cadence, _) = await CadenceDefaults.LoadAsync(connection, profile.ProgramId, cancellationToken);
        var last = (await connection.QueryAsync<LastRow>(new CommandDefinition(LastByInstrument, request, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Instrument, r => r.LastAt, StringComparer.Ordinal);
        var due = Due(clock.GetUtcNow(), profile.AdmittedAt, cadence.Cadence, last);
        await mediator.Send(new DiscloseRecordsCommand(profile.PatientId, InformationCategories.Outcomes, [.. due.Select(d => $"enrollment/{request.EnrollmentId}/measures-due/{d.Instrument}")]) { RefusedAs = new("Enrollment", request.EnrollmentId) }, cancellationToken);
        return due;
    }

    /// <summary>A first administration is due at admission (or now, before admission); later ones one interval after the last.</summary>
    public static IReadOnlyList<MeasureDueDto> Due(DateTimeOffset now, DateTimeOffset? admittedAt, IReadOnlyList<MeasureCadenceDto> cadence, IReadOnlyDictionary<string, DateTimeOffset> last) =>
        cadence.Where(c => c.IntervalDays is not null)
            .Select(c =>
            {
                var lastAt = last.TryGetValue(c.Instrument, out var at) ? at : (DateTimeOffset?)null;
                var dueAt = lastAt is { } l ? l.AddDays(c.IntervalDays!.Value) : admittedAt ?? now;
                return new MeasureDueDto { Instrument = c.Instrument, IntervalDays = c.IntervalDays!.Value, LastAdministeredAt = lastAt, DueAt = dueAt, Due = dueAt <= now };
            })
            .ToList();
}

internal static class GetMeasuresDueEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/measures/due", (Guid enrollmentId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetMeasuresDueQuery(enrollmentId), ct), m => m.Instrument))
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.Outcomes)
            .WithName("GetMeasuresDue")
            .WithSummary("Measures due for an enrollment")
            .WithDescription("For each instrument the program schedules: the last administration, when the next is due and whether it is due now. Defaults: PHQ-9 and GAD-7 every 14 days, BAM every 7.")
            .Produces<CursorPage<MeasureDueDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
