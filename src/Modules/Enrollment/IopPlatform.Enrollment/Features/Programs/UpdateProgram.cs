namespace IopPlatform.Enrollment.Features.Programs;

/// <summary>The new state of a program (a full replacement; the site cannot change).</summary>
/// <param name="Name">Display name (1–200 characters).</param>
/// <param name="LevelOfCare">Versioned level-of-care code such as "asam-3:2.1" or "asam-4:2.1".</param>
/// <param name="RequiredHoursPerWeekAdult">Weekly structured hours required of adults; default from the level of care (ASAM 2.1: 9, 2.5: 20), required for any other level.</param>
/// <param name="RequiredHoursPerWeekAdolescent">Weekly structured hours required of adolescents; default from the level of care (ASAM 2.1: 6, 2.5: 20), required for any other level.</param>
/// <param name="ExpectedLengthWeeks">Expected episode length in weeks (1–52); default 12.</param>
internal sealed record UpdateProgramBody(
    string Name,
    string LevelOfCare,
    decimal? RequiredHoursPerWeekAdult,
    decimal? RequiredHoursPerWeekAdolescent,
    int? ExpectedLengthWeeks);

/// <summary>Replaces a program's details if it is still at the version the caller read.</summary>
internal sealed record UpdateProgramRequest(Guid ProgramId, int ExpectedVersion, UpdateProgramBody Body) : IRequest<ProgramDto>;

internal sealed class UpdateProgramValidator : AbstractValidator<UpdateProgramRequest>
{
    public UpdateProgramValidator()
    {
        RuleFor(x => x.Body.Name).NotEmpty().MaximumLength(200).OverridePropertyName("name");
        RuleFor(x => x.Body.LevelOfCare).NotEmpty().MaximumLength(32)
            .Matches(LevelOfCare.Pattern).WithMessage("Level of care must be a versioned code such as 'asam-3:2.1' or 'asam-4:2.1'.")
            .OverridePropertyName("levelOfCare");
        RuleFor(x => x.Body.RequiredHoursPerWeekAdult).InclusiveBetween(1m, 40m).OverridePropertyName("requiredHoursPerWeekAdult");
        RuleFor(x => x.Body.RequiredHoursPerWeekAdolescent).InclusiveBetween(1m, 40m).OverridePropertyName("requiredHoursPerWeekAdolescent");
        LevelOfCareHours.RequireWhenNoDefault(this, x => x.Body.LevelOfCare, x => x.Body.RequiredHoursPerWeekAdult, x => x.Body.RequiredHoursPerWeekAdolescent);
        RuleFor(x => x.Body.ExpectedLengthWeeks).InclusiveBetween(1, 52).OverridePropertyName("expectedLengthWeeks");
    }
}

internal sealed class UpdateProgramHandler(IDbConnectionFactory db) : IRequestHandler<UpdateProgramRequest, ProgramDto>
{
    private const string Update = """
        UPDATE enrollment_program
        SET name = @Name, level_of_care = @LevelOfCare, required_hours_adult = @Adult, required_hours_adolescent = @Adolescent,
            expected_length_weeks = @Weeks, version = version + 1
        WHERE id = @ProgramId AND version = @ExpectedVersion
        """;

    private const string Exists = "SELECT COUNT(*) FROM enrollment_program WHERE id = @ProgramId";

    private const string Select = $"SELECT {ProgramReader.Columns} FROM enrollment_program WHERE id = @ProgramId";

    public async Task<ProgramDto> Handle(UpdateProgramRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        await using var connection = await db.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(Update, new
        {
            request.ProgramId,
            request.ExpectedVersion,
            Name = body.Name.Trim(),
            body.LevelOfCare,
            Adult = body.RequiredHoursPerWeekAdult ?? LevelOfCareHours.For(body.LevelOfCare)!.Value.Adult,
            Adolescent = body.RequiredHoursPerWeekAdolescent ?? LevelOfCareHours.For(body.LevelOfCare)!.Value.Adolescent,
            Weeks = body.ExpectedLengthWeeks ?? ProgramDefaults.LengthWeeks,
        }, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Exists, request, cancellationToken: cancellationToken));
            if (exists == 0)
            {
                throw new NotFoundException("Program", request.ProgramId);
            }
            throw new PreconditionFailedException(
                $"Program '{request.ProgramId}' changed since version {request.ExpectedVersion}; read it again and reapply your change.");
        }
        return (await ProgramReader.ReadAsync(connection, Select, new { request.ProgramId }, cancellationToken)).Single();
    }
}

internal static class ProgramDefaults
{
    public const int LengthWeeks = 12;
}

internal static class UpdateProgramEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/programs/{programId:guid}", async (Guid programId, UpdateProgramBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(request);
                var program = await mediator.Send(new UpdateProgramRequest(programId, version, body), ct);
                ETag.Set(response, program.Version);
                return TypedResults.Ok(program);
            })
            .RequireRoles(Roles.Admin)
            .WithName("UpdateProgram")
            .WithSummary("Update a program")
            .WithDescription("Replaces a program's name, level of care, weekly hours and expected length. Requires If-Match with the ETag " +
                             "of your last read: 428 without it, 412 when the program changed since. Returns the new ETag.")
            .Accepts<UpdateProgramBody>("application/json")
            .Produces<ProgramDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
