namespace IopPlatform.Outcomes.Features.Measures;

internal static class CadenceDefaults
{
    /// <summary>The default cadence (Outcomes README): PHQ-9 and GAD-7 every two weeks, BAM weekly; the rest on request.</summary>
    public static readonly IReadOnlyList<MeasureCadenceDto> All =
    [
        new() { Instrument = Instrument.Phq9, IntervalDays = 14 },
        new() { Instrument = Instrument.Gad7, IntervalDays = 14 },
        new() { Instrument = Instrument.Bam, IntervalDays = 7 },
        new() { Instrument = Instrument.AuditC, IntervalDays = null },
        new() { Instrument = Instrument.Pcl5, IntervalDays = null },
    ];

    private const string Select = """
        SELECT instrument, interval_days AS IntervalDays, version FROM outcomes_program_cadence WHERE program_id = @ProgramId
        """;

    private sealed class Row
    {
        public string Instrument { get; init; } = string.Empty;

        public int? IntervalDays { get; init; }

        public int Version { get; init; }
    }

    /// <summary>The program's cadence and its version (0 while the defaults apply).</summary>
    public static async Task<(ProgramMeasureCadenceDto Cadence, int Version)> LoadAsync(System.Data.Common.DbConnection connection, Guid programId, CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(Select, new { ProgramId = programId }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        if (rows.Count == 0)
        {
            return (new ProgramMeasureCadenceDto { ProgramId = programId, IsDefault = true, Cadence = All }, 0);
        }
        var cadence = Instrument.All
            .Select(i => new MeasureCadenceDto { Instrument = i, IntervalDays = rows.FirstOrDefault(r => r.Instrument == i)?.IntervalDays })
            .ToList();
        return (new ProgramMeasureCadenceDto { ProgramId = programId, IsDefault = false, Cadence = cadence }, rows.Max(r => r.Version));
    }
}

internal sealed record GetMeasureCadenceQuery(Guid ProgramId) : IRequest<(ProgramMeasureCadenceDto Cadence, int Version)>;

internal sealed class GetMeasureCadenceHandler(IDbConnectionFactory db, IMediator mediator) : IRequestHandler<GetMeasureCadenceQuery, (ProgramMeasureCadenceDto Cadence, int Version)>
{
    public async Task<(ProgramMeasureCadenceDto Cadence, int Version)> Handle(GetMeasureCadenceQuery request, CancellationToken cancellationToken)
    {
        _ = await mediator.Send(new GetProgramQuery(request.ProgramId), cancellationToken) ?? throw new NotFoundException("Program", request.ProgramId);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await CadenceDefaults.LoadAsync(connection, request.ProgramId, cancellationToken);
    }
}

/// <summary>A program's full measure cadence; instruments left out are not scheduled.</summary>
/// <param name="Cadence">One entry per scheduled instrument: days between administrations (1–365), or null for not scheduled.</param>
internal sealed record SetMeasureCadenceBody(IReadOnlyList<MeasureCadenceDto>? Cadence);

internal sealed record SetMeasureCadenceRequest(Guid ProgramId, int ExpectedVersion, SetMeasureCadenceBody Body) : IRequest<(ProgramMeasureCadenceDto Cadence, int Version)>;

internal sealed class SetMeasureCadenceValidator : AbstractValidator<SetMeasureCadenceRequest>
{
    public SetMeasureCadenceValidator()
    {
        RuleFor(x => x.Body.Cadence).Cascade(CascadeMode.Stop).NotNull()
            .Must(c => c!.All(i => i is not null)).WithMessage("Cadence entries cannot be null.")
            .Must(c => c!.Select(i => i.Instrument).Distinct(StringComparer.Ordinal).Count() == c!.Count)
            .WithMessage("Each instrument may appear once.").OverridePropertyName("cadence");
        RuleForEach(x => x.Body.Cadence).Cascade(CascadeMode.Stop).NotNull().ChildRules(item =>
        {
            item.RuleFor(i => i.Instrument).Must(Instrument.IsKnown).WithMessage($"Instrument must be one of: {string.Join(", ", Instrument.All)}.");
            item.RuleFor(i => i.IntervalDays).InclusiveBetween(1, 365);
        }).OverridePropertyName("cadence");
    }
}

internal sealed class SetMeasureCadenceHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<SetMeasureCadenceRequest, (ProgramMeasureCadenceDto Cadence, int Version)>
{
    // Claims the current rows at the caller's version; a concurrent change makes this touch nothing.
    private const string Claim = "UPDATE outcomes_program_cadence SET version = version + 1 WHERE program_id = @ProgramId AND version = @ExpectedVersion";

    private const string Delete = "DELETE FROM outcomes_program_cadence WHERE program_id = @ProgramId";

    private const string Insert = """
        INSERT INTO outcomes_program_cadence (program_id, instrument, interval_days, updated_by, updated_at, version)
        VALUES (@ProgramId, @Instrument, @IntervalDays, @UpdatedBy, @UpdatedAt, @Version)
        """;

    public async Task<(ProgramMeasureCadenceDto Cadence, int Version)> Handle(SetMeasureCadenceRequest request, CancellationToken cancellationToken)
    {
        _ = await mediator.Send(new GetProgramQuery(request.ProgramId), cancellationToken) ?? throw new NotFoundException("Program", request.ProgramId);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (_, current) = await CadenceDefaults.LoadAsync(connection, request.ProgramId, cancellationToken);
        if (current != request.ExpectedVersion)
        {
            throw new PreconditionFailedException($"The measure cadence of program '{request.ProgramId}' changed since version {request.ExpectedVersion}; read it again.");
        }
        if (current > 0)
        {
            var claimed = await connection.ExecuteAsync(new CommandDefinition(Claim, request, transaction, cancellationToken: cancellationToken));
            if (claimed == 0)
            {
                throw new PreconditionFailedException($"The measure cadence of program '{request.ProgramId}' changed since version {request.ExpectedVersion}; read it again.");
            }
            await connection.ExecuteAsync(new CommandDefinition(Delete, request, transaction, cancellationToken: cancellationToken));
        }
        var now = clock.GetUtcNow();
        var version = current + 1;
        var rows = Instrument.All.Select(i => new
        {
            request.ProgramId,
            Instrument = i,
            request.Body.Cadence!.FirstOrDefault(c => c.Instrument == i)?.IntervalDays,
            UpdatedBy = caller.ActorId,
            UpdatedAt = now,
            Version = version,
        });
        await connection.ExecuteAsync(new CommandDefinition(Insert, rows, transaction, cancellationToken: cancellationToken));
        var result = await CadenceDefaults.LoadAsync(connection, request.ProgramId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

internal static class GetMeasureCadenceEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/programs/{programId:guid}/measure-cadence", async (Guid programId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var (cadence, version) = await mediator.Send(new GetMeasureCadenceQuery(programId), ct);
                ETag.Set(response, version);
                return TypedResults.Ok(cadence);
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetMeasureCadence")
            .WithSummary("Get a program's measure cadence")
            .WithDescription("How often the program administers each instrument. Without configuration the defaults apply (PHQ-9 and GAD-7 every 14 days, BAM every 7) and the ETag is \"0\".")
            .Produces<ProgramMeasureCadenceDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}

internal static class SetMeasureCadenceEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/programs/{programId:guid}/measure-cadence", async (Guid programId, SetMeasureCadenceBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var expected = ETag.RequireIfMatch(request);
                var (cadence, version) = await mediator.Send(new SetMeasureCadenceRequest(programId, expected, body), ct);
                ETag.Set(response, version);
                return TypedResults.Ok(cadence);
            })
            .RequireRoles(OutcomesRoles.ProgramConfigurers)
            .WithName("SetMeasureCadence")
            .WithSummary("Set a program's measure cadence")
            .WithDescription("Replaces the program's cadence; instruments left out are not scheduled. Needs If-Match with the ETag of the last read (\"0\" while the defaults apply).")
            .Accepts<SetMeasureCadenceBody>("application/json")
            .Produces<ProgramMeasureCadenceDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
