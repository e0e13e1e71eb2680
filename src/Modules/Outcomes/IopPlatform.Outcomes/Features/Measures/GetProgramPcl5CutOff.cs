namespace IopPlatform.Outcomes.Features.Measures;

internal sealed record GetProgramPcl5CutOffQuery(Guid ProgramId) : IRequest<(ProgramPcl5CutOffDto CutOff, int Version)>;

internal sealed class GetProgramPcl5CutOffHandler(IDbConnectionFactory db, IMediator mediator, OutcomesSettings settings)
    : IRequestHandler<GetProgramPcl5CutOffQuery, (ProgramPcl5CutOffDto CutOff, int Version)>
{
    public async Task<(ProgramPcl5CutOffDto CutOff, int Version)> Handle(GetProgramPcl5CutOffQuery request, CancellationToken cancellationToken)
    {
        _ = await mediator.Send(new GetProgramQuery(request.ProgramId), cancellationToken) ?? throw new NotFoundException("Program", request.ProgramId);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await ProgramPcl5CutOffStore.LoadAsync(connection, request.ProgramId, settings, cancellationToken);
    }
}

internal static class GetProgramPcl5CutOffEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/programs/{programId:guid}/pcl5-cut-off", async (Guid programId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var (cutOff, version) = await mediator.Send(new GetProgramPcl5CutOffQuery(programId), ct);
                ETag.Set(response, version);
                return TypedResults.Ok(cutOff);
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetProgramPcl5CutOff")
            .WithSummary("Get a program's PCL-5 cut-off")
            .WithDescription("The PCL-5 total at or above which a score is provisional PTSD for this program's patients; the platform setting (ETag \"0\") until the program sets its own.")
            .Produces<ProgramPcl5CutOffDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
