namespace IopPlatform.Enrollment.Features.Programs;

internal sealed class GetProgramHandler(IDbConnectionFactory db) : IRequestHandler<GetProgramQuery, ProgramDto?>
{
    private const string Select = $"SELECT {ProgramReader.Columns} FROM enrollment_program WHERE id = @ProgramId";

    public async Task<ProgramDto?> Handle(GetProgramQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await ProgramReader.ReadAsync(connection, Select, request, cancellationToken)).SingleOrDefault();
    }
}

internal static class GetProgramEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/programs/{programId:guid}", async (Guid programId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var program = await mediator.Send(new GetProgramQuery(programId), ct) ?? throw new NotFoundException("Program", programId);
                ETag.Set(response, program.Version);
                return TypedResults.Ok(program);
            })
            .WithName("GetProgram")
            .CarriesNoPatientData("Program and site settings: no patient in them.")
            .WithSummary("Get a program")
            .WithDescription("Returns one program. The ETag header carries its version.")
            .Produces<ProgramDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
