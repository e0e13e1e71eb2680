using IopPlatform.Engagement.Contracts;

namespace IopPlatform.Enrollment.Features.Programs;

/// <summary>Creates an IOP program at a site.</summary>
/// <param name="SiteId">The site that runs the program.</param>
/// <param name="Name">Display name (1–200 characters).</param>
/// <param name="LevelOfCare">Versioned level-of-care code such as "asam-3:2.1" (ASAM 3rd edition, level 2.1) or "asam-4:2.1".</param>
/// <param name="RequiredHoursPerWeekAdult">Weekly structured hours required of adults; default from the level of care (ASAM 2.1: 9, 2.5: 20), required for any other level.</param>
/// <param name="RequiredHoursPerWeekAdolescent">Weekly structured hours required of adolescents; default from the level of care (ASAM 2.1: 6, 2.5: 20), required for any other level.</param>
/// <param name="ExpectedLengthWeeks">Expected episode length in weeks (1–52); default 12.</param>
/// <param name="CoreGroupIds">Scheduling groups a newly admitted patient is booked into (no duplicates).</param>
/// <param name="RulePack">Drift thresholds, stored by Engagement as the pack's version 1 (read and change it at /programs/{id}/rule-pack); omitted → the program follows the default rule pack (<c>DriftRulePack.Default</c>).</param>
internal sealed record CreateProgramRequest(
    Guid SiteId,
    string Name,
    string LevelOfCare,
    decimal? RequiredHoursPerWeekAdult,
    decimal? RequiredHoursPerWeekAdolescent,
    int? ExpectedLengthWeeks,
    IReadOnlyList<Guid>? CoreGroupIds = null,
    DriftRulePack? RulePack = null) : IRequest<ProgramDto>;

internal sealed class CreateProgramValidator : AbstractValidator<CreateProgramRequest>
{
    public CreateProgramValidator()
    {
        RuleFor(x => x.SiteId).NotEmpty();
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.LevelOfCare).NotEmpty().MaximumLength(32)
            .Matches(LevelOfCare.Pattern).WithMessage("Level of care must be a versioned code such as 'asam-3:2.1' or 'asam-4:2.1'.");
        RuleFor(x => x.RequiredHoursPerWeekAdult).InclusiveBetween(1m, 40m);
        RuleFor(x => x.RequiredHoursPerWeekAdolescent).InclusiveBetween(1m, 40m);
        LevelOfCareHours.RequireWhenNoDefault(this, x => x.LevelOfCare, x => x.RequiredHoursPerWeekAdult, x => x.RequiredHoursPerWeekAdolescent);
        RuleFor(x => x.ExpectedLengthWeeks).InclusiveBetween(1, 52);
        RuleForEach(x => x.CoreGroupIds).NotEmpty();
        RuleFor(x => x.CoreGroupIds).Must(g => g!.Distinct().Count() == g!.Count).WithMessage("Core group ids must not repeat.")
            .Must(g => g!.Count <= 20).WithMessage("At most 20 core groups.").When(x => x.CoreGroupIds is not null);
    }
}

internal sealed class CreateProgramHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock) : IRequestHandler<CreateProgramRequest, ProgramDto>
{
    private const string SiteExists = "SELECT COUNT(*) FROM enrollment_site WHERE id = @SiteId";

    private const string Insert = """
        INSERT INTO enrollment_program (id, site_id, name, level_of_care, required_hours_adult, required_hours_adolescent,
                                        expected_length_weeks, version, created_at)
        VALUES (@Id, @SiteId, @Name, @LevelOfCare, @RequiredHoursPerWeekAdult, @RequiredHoursPerWeekAdolescent,
                @ExpectedLengthWeeks, @Version, @CreatedAt)
        """;

    public async Task<ProgramDto> Handle(CreateProgramRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var sites = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SiteExists, request, cancellationToken: cancellationToken));
        if (sites == 0)
        {
            throw new BadRequestException(nameof(request.SiteId), $"Site '{request.SiteId}' does not exist.");
        }
        var program = new ProgramDto
        {
            Id = Guid.CreateVersion7(),
            SiteId = request.SiteId,
            Name = request.Name.Trim(),
            LevelOfCare = request.LevelOfCare,
            RequiredHoursPerWeekAdult = request.RequiredHoursPerWeekAdult ?? LevelOfCareHours.For(request.LevelOfCare)!.Value.Adult,
            RequiredHoursPerWeekAdolescent = request.RequiredHoursPerWeekAdolescent ?? LevelOfCareHours.For(request.LevelOfCare)!.Value.Adolescent,
            ExpectedLengthWeeks = request.ExpectedLengthWeeks ?? ProgramDefaults.LengthWeeks,
            CoreGroupIds = request.CoreGroupIds ?? [],
            Version = 1,
            CreatedAt = clock.GetUtcNow(),
        };
        if (request.RulePack is not null)
        {
            // Engagement owns rule packs. Stored first, before any transaction opens (SQLite has one writer): a pack that
            // fails validation is a 400 that leaves no program; no pack given means the program follows the defaults.
            await mediator.Send(new RecordInitialRulePackCommand(program.Id, request.RulePack), cancellationToken);
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            program.Id, program.SiteId, program.Name, program.LevelOfCare, program.RequiredHoursPerWeekAdult,
            program.RequiredHoursPerWeekAdolescent, program.ExpectedLengthWeeks,
            program.Version, program.CreatedAt,
        }, transaction, cancellationToken: cancellationToken));
        await ProgramReader.InsertCoreGroupsAsync(connection, transaction, program.Id, program.CoreGroupIds, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return program;
    }
}

internal static class LevelOfCare
{
    /// <summary>"scheme-edition:level", e.g. asam-3:2.1; ASAM's 4th edition renames levels, so the code is versioned.</summary>
    public const string Pattern = "^[a-z][a-z0-9]*-[0-9]+:[0-9]+(\\.[0-9]+)?$";
}

internal static class CreateProgramEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/programs", async (CreateProgramRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var program = await mediator.Send(body, ct);
                ETag.Set(response, program.Version);
                return TypedResults.Created($"/api/v1/programs/{program.Id}", program);
            })
            .WithName("CreateProgram")
            .WithSummary("Create a program (admin)")
            .WithDescription("Creates an IOP program at a site. Required weekly hours default from the level of care: 9 adults / 6 adolescents at ASAM level 2.1, 20 at level 2.5; any other level must state them (400). " +
                             "Send an Idempotency-Key header to make retries safe: the first response is replayed.")
            .RequireRoles(Roles.Admin)
            .Accepts<CreateProgramRequest>("application/json")
            .Produces<ProgramDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithIdempotency();
}
