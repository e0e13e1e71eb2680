namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>A program's PCL-5 cut-off.</summary>
/// <param name="ProvisionalPtsdThreshold">PCL-5 total at or above which PTSD is provisional: 31 to 33.</param>
internal sealed record SetProgramPcl5CutOffBody(int? ProvisionalPtsdThreshold);

internal sealed record SetProgramPcl5CutOffRequest(Guid ProgramId, int ExpectedVersion, SetProgramPcl5CutOffBody Body) : IRequest<(ProgramPcl5CutOffDto CutOff, int Version)>;

internal sealed class SetProgramPcl5CutOffValidator : AbstractValidator<SetProgramPcl5CutOffRequest>
{
    public SetProgramPcl5CutOffValidator() =>
        RuleFor(x => x.Body.ProvisionalPtsdThreshold).NotNull().InclusiveBetween(MeasureScoring.MinPcl5Threshold, MeasureScoring.MaxPcl5Threshold)
            .OverridePropertyName("provisionalPtsdThreshold");
}

internal sealed class SetProgramPcl5CutOffHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, OutcomesSettings settings)
    : IRequestHandler<SetProgramPcl5CutOffRequest, (ProgramPcl5CutOffDto CutOff, int Version)>
{
    private const string Insert = """
        INSERT INTO outcomes_program_pcl5_cut_off (program_id, threshold, updated_by, updated_at, version)
        VALUES (@ProgramId, @Threshold, @UpdatedBy, @UpdatedAt, 1)
        """;

    private const string Update = """
        UPDATE outcomes_program_pcl5_cut_off SET threshold = @Threshold, updated_by = @UpdatedBy, updated_at = @UpdatedAt, version = version + 1
        WHERE program_id = @ProgramId AND version = @ExpectedVersion
        """;

    public async Task<(ProgramPcl5CutOffDto CutOff, int Version)> Handle(SetProgramPcl5CutOffRequest request, CancellationToken cancellationToken)
    {
        _ = await mediator.Send(new GetProgramQuery(request.ProgramId), cancellationToken) ?? throw new NotFoundException("Program", request.ProgramId);
        var stale = new PreconditionFailedException($"The PCL-5 cut-off of program '{request.ProgramId}' changed since version {request.ExpectedVersion}; read it again.");
        var args = new { request.ProgramId, request.ExpectedVersion, Threshold = request.Body.ProvisionalPtsdThreshold!.Value, UpdatedBy = caller.ActorId, UpdatedAt = clock.GetUtcNow() };
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (_, current) = await ProgramPcl5CutOffStore.LoadAsync(connection, request.ProgramId, settings, cancellationToken, transaction);
        if (current != request.ExpectedVersion)
        {
            throw stale;
        }
        try
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(current == 0 ? Insert : Update, args, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw stale;
            }
        }
        catch (DbException) when (current == 0)
        {
            // Another writer created the row first (primary key): its change wins.
            throw stale;
        }
        var result = await ProgramPcl5CutOffStore.LoadAsync(connection, request.ProgramId, settings, cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

internal static class SetProgramPcl5CutOffEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/programs/{programId:guid}/pcl5-cut-off", async (Guid programId, SetProgramPcl5CutOffBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var expected = ETag.RequireIfMatch(request);
                var (cutOff, version) = await mediator.Send(new SetProgramPcl5CutOffRequest(programId, expected, body), ct);
                ETag.Set(response, version);
                return TypedResults.Ok(cutOff);
            })
            .RequireRoles(OutcomesRoles.ProgramConfigurers)
            .WithName("SetProgramPcl5CutOff")
            .WithSummary("Set a program's PCL-5 cut-off")
            .WithDescription("Sets the program's PCL-5 provisional-PTSD cut-off (31–33). Later PCL-5 scores of its patients use it; earlier scores keep theirs. Needs If-Match (\"0\" while the platform setting applies).")
            .Accepts<SetProgramPcl5CutOffBody>("application/json")
            .Produces<ProgramPcl5CutOffDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
