namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>A worklist: the measures due across a program's active (and on-hold) enrollments, a page of enrollments at a time.</summary>
/// <param name="ProgramId">The program.</param>
/// <param name="DueOnly">Leave out enrollments with nothing due now (a page may then hold fewer than the limit; follow the cursor).</param>
/// <param name="Limit">Enrollments per page (1–200).</param>
/// <param name="Cursor">From the previous page.</param>
internal sealed record GetProgramMeasuresDueQuery(Guid ProgramId, bool DueOnly, int Limit, string? Cursor) : IRequest<CursorPage<EnrollmentMeasuresDueDto>>;

internal sealed class GetProgramMeasuresDueValidator : AbstractValidator<GetProgramMeasuresDueQuery>
{
    public GetProgramMeasuresDueValidator()
    {
        RuleFor(x => x.ProgramId).NotEmpty().WithMessage("Give the program: programId is required.");
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
    }
}

internal sealed class GetProgramMeasuresDueHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock)
    : IRequestHandler<GetProgramMeasuresDueQuery, CursorPage<EnrollmentMeasuresDueDto>>
{
    private sealed class LastRow
    {
        public Guid EnrollmentId { get; init; }

        public string Instrument { get; init; } = string.Empty;

        public DateTimeOffset LastAt { get; init; }
    }

    public async Task<CursorPage<EnrollmentMeasuresDueDto>> Handle(GetProgramMeasuresDueQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        _ = await mediator.Send(new GetProgramQuery(request.ProgramId), cancellationToken) ?? throw new NotFoundException("Program", request.ProgramId);
        var enrollments = await mediator.Send(new GetActiveEnrollmentsQuery(request.ProgramId, after, request.Limit + 1), cancellationToken);
        var page = Cursor.Page(enrollments, request.Limit, e => e.EnrollmentId);
        var now = clock.GetUtcNow();

        await using var connection = await db.OpenAsync(cancellationToken);
        var (cadence, _) = await CadenceDefaults.LoadAsync(connection, request.ProgramId, cancellationToken);
        var parameters = new DynamicParameters();
        var sql = $"""
            SELECT enrollment_id AS EnrollmentId, instrument, MAX(administered_at) AS LastAt FROM outcomes_measure
            WHERE {SqlList.In("enrollment_id", page.Items.Select(e => e.EnrollmentId), "Id", parameters)}
            GROUP BY enrollment_id, instrument
            """;
        var last = (await connection.QueryAsync<LastRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)))
            .ToLookup(r => r.EnrollmentId);

        var items = page.Items.Select(e =>
            {
                // Enrollment's summary carries the admission date, not the instant: the first administration is due from its start (UTC).
                var admitted = e.AdmissionDate is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
                var due = GetMeasuresDueHandler.Due(now, admitted, cadence.Cadence, last[e.EnrollmentId].ToDictionary(r => r.Instrument, r => r.LastAt, StringComparer.Ordinal));
                return new EnrollmentMeasuresDueDto { EnrollmentId = e.EnrollmentId, PatientId = e.PatientId, AnyDue = due.Any(m => m.Due), Measures = due };
            })
            .Where(e => !request.DueOnly || e.AnyDue)
            .ToList();
        return new CursorPage<EnrollmentMeasuresDueDto>(items, page.NextCursor);
    }
}

internal static class GetProgramMeasuresDueEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/measures/due",
                (IMediator mediator, CancellationToken ct, Guid? programId = null, bool dueOnly = false, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                    mediator.Send(new GetProgramMeasuresDueQuery(programId ?? Guid.Empty, dueOnly, limit, cursor), ct))
            .RequireRoles(Roles.Staff)
            .WithName("GetProgramMeasuresDue")
            .WithSummary("Measures due across a program")
            .WithDescription("For each active or on-hold enrollment of the program (a page at a time, in enrollment id order): every instrument the program's cadence schedules, when it is next due and whether it is due now. dueOnly=true leaves out enrollments with nothing due (pages may then be shorter than the limit).")
            .Produces<CursorPage<EnrollmentMeasuresDueDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
