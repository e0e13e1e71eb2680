namespace IopPlatform.Scheduling.Features.Rosters;

internal static class RostersEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/groups/{groupId:guid}/members", async (Guid groupId, JoinGroupBody body, IMediator mediator, CancellationToken ct) =>
            {
                var member = await mediator.Send(new JoinGroupRequest(groupId, body.EnrollmentId), ct);
                return TypedResults.Created($"/api/v1/groups/{groupId}/members/{member.EnrollmentId}", member);
            })
            .RequireRoles(Roles.Staff)
            .WithName("JoinGroup")
            .WithSummary("Book a patient into a group")
            .WithDescription("Books an active enrollment into every upcoming session of the group and into sessions materialised later (rolling admission). 409 when the group or any upcoming session is full, or the enrollment is not active.")
            .Accepts<JoinGroupBody>("application/json")
            .Produces<GroupMemberDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/sessions/{sessionId:guid}/bookings", async (Guid sessionId, BookSessionBody body, IMediator mediator, CancellationToken ct) =>
            {
                var booking = await mediator.Send(new BookSessionRequest(sessionId, body.EnrollmentId), ct);
                return TypedResults.Created($"/api/v1/sessions/{sessionId}/roster", booking);
            })
            .RequireRoles(Roles.Staff)
            .WithName("BookSession")
            .WithSummary("Book a patient into one session")
            .WithDescription("Books an active enrollment into a single upcoming session. 409 when the session is full, cancelled, started, already booked, or the enrollment is not active.")
            .Accepts<BookSessionBody>("application/json")
            .Produces<BookingDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/sessions/{sessionId:guid}/roster", (Guid sessionId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetRosterQuery(sessionId), ct), (_, position) => ListPage.Key(position)))
            .RequireRoles(Roles.Staff)
            .WithName("GetSessionRoster")
            .WithSummary("Get a session's roster")
            .WithDescription("Lists the patients booked into a session with their attendance when recorded (the facilitator's roster screen).")
            .Produces<CursorPage<RosterEntryDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
