namespace IopPlatform.Scheduling.Features.Groups;

internal sealed record GetGroupQuery(Guid GroupId) : IRequest<GroupDto?>;

internal sealed class GetGroupHandler(IDbConnectionFactory db) : IRequestHandler<GetGroupQuery, GroupDto?>
{
    public async Task<GroupDto?> Handle(GetGroupQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await GroupStore.LoadAsync(connection, null, request.GroupId, cancellationToken);
    }
}

internal static class GetGroupEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/groups/{groupId:guid}", async (Guid groupId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var found = await mediator.Send(new GetGroupQuery(groupId), ct) ?? throw new NotFoundException("Group", groupId);
                ETag.Set(response, found.Version);
                return TypedResults.Ok(found);
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetGroup")
            .WithSummary("Get a group")
            .WithDescription("Returns a group with its facilitators and its recurrence rules (oldest first). The ETag header carries its version.")
            .Produces<GroupDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
