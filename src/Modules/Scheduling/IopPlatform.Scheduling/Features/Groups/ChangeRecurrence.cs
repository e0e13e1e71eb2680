using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Groups;

/// <summary>New weekly recurrence of a group from a local date onward.</summary>
/// <param name="EffectiveFrom">First local date the new rule applies (today or later).</param>
/// <param name="DaysOfWeek">Days the group meets from then on.</param>
/// <param name="StartTime">Local start time.</param>
/// <param name="EndTime">Local end time, after the start.</param>
/// <param name="LastDate">Optional last local date.</param>
internal sealed record ChangeRecurrenceBody(DateOnly EffectiveFrom, IReadOnlyList<string>? DaysOfWeek, TimeOnly StartTime, TimeOnly EndTime, DateOnly? LastDate);

internal sealed record ChangeRecurrenceRequest(
    Guid GroupId,
    int Version,
    DateOnly EffectiveFrom,
    IReadOnlyList<string>? DaysOfWeek,
    TimeOnly StartTime,
    TimeOnly EndTime,
    DateOnly? LastDate) : IRequest<GroupDto>;

internal sealed class ChangeRecurrenceValidator : AbstractValidator<ChangeRecurrenceRequest>
{
    public ChangeRecurrenceValidator() =>
        RecurrenceRules.Apply(this, x => x.DaysOfWeek, x => x.StartTime, x => x.EndTime, x => x.EffectiveFrom, x => x.LastDate);
}

/// <summary>
/// Closes the rule in force on the effective date and opens a new one. Future sessions from that date that nobody has
/// attended are regenerated: kept and retimed when the new rule still meets that day (so their bookings survive),
/// deleted with their bookings when it does not, and missing ones created. Cancelled or individually rescheduled
/// sessions keep their override.
/// </summary>
internal sealed class ChangeRecurrenceHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, SchedulingOptions options)
    : IRequestHandler<ChangeRecurrenceRequest, GroupDto>
{
    private const string BumpGroup = "UPDATE scheduling_group SET version = version + 1, updated_at = @Now WHERE id = @GroupId AND version = @Version";
    private const string DeleteLaterRules = "DELETE FROM scheduling_group_recurrence WHERE group_id = @GroupId AND valid_from >= @EffectiveFrom";
    private const string CloseRule = """
        UPDATE scheduling_group_recurrence SET valid_until = @DayBefore
        WHERE group_id = @GroupId AND valid_from < @EffectiveFrom AND (valid_until IS NULL OR valid_until >= @EffectiveFrom)
        """;

    private const string FutureUnattended = """
        SELECT s.id, s.local_date AS LocalDate, s.status FROM scheduling_session s
        WHERE s.group_id = @GroupId AND s.local_date >= @EffectiveFrom AND s.starts_at > @Now
          AND NOT EXISTS (SELECT 1 FROM scheduling_attendance a WHERE a.session_id = s.id)
        """;

    private const string Retime = """
        UPDATE scheduling_session SET starts_at = @StartsAt, ends_at = @EndsAt, version = version + 1, updated_at = @Now
        WHERE id = @Id
        """;

    private const string DeleteBookings = "DELETE FROM scheduling_booking WHERE session_id = @Id";
    private const string DeleteSession = "DELETE FROM scheduling_session WHERE id = @Id";

    public async Task<GroupDto> Handle(ChangeRecurrenceRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var group = await GroupStore.FindAsync(connection, tx, request.GroupId, cancellationToken) ?? throw new NotFoundException("Group", request.GroupId);
        var zone = SessionCalendar.FindZone(group.TimeZone)
            ?? throw new UnprocessableException($"The group's time zone '{group.TimeZone}' is not known on this server.");
        var today = SessionCalendar.LocalDate(now, zone);
        if (request.EffectiveFrom < today)
        {
            throw new BadRequestException(nameof(request.EffectiveFrom), $"The change must start today ({today:yyyy-MM-dd}, {group.TimeZone}) or later; past sessions keep their times.");
        }
        var bumped = await connection.ExecuteAsync(new CommandDefinition(BumpGroup, new { request.GroupId, request.Version, Now = now }, tx, cancellationToken: cancellationToken));
        if (bumped == 0)
        {
            throw new PreconditionFailedException($"Group '{request.GroupId}' has changed since version {request.Version}; read it again.");
        }
        var args = new { request.GroupId, request.EffectiveFrom, DayBefore = request.EffectiveFrom.AddDays(-1), Now = now };
        await connection.ExecuteAsync(new CommandDefinition(DeleteLaterRules, args, tx, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CloseRule, args, tx, cancellationToken: cancellationToken));
        var days = request.DaysOfWeek!.Select(d => Enum.Parse<DayOfWeek>(d, ignoreCase: true)).ToList();
        await connection.ExecuteAsync(new CommandDefinition(CreateGroupHandler.InsertRule, new
        {
            Id = Guid.CreateVersion7(),
            request.GroupId,
            ValidFrom = request.EffectiveFrom,
            ValidUntil = request.LastDate,
            DaysOfWeek = SessionCalendar.FormatDays(days),
            request.StartTime,
            request.EndTime,
            Now = now,
        }, tx, cancellationToken: cancellationToken));

        var rule = new RecurrenceRule(request.EffectiveFrom, request.LastDate, days.ToHashSet(), request.StartTime, request.EndTime);
        var sessions = await connection.QueryAsync<SessionRef>(new CommandDefinition(FutureUnattended, args, tx, cancellationToken: cancellationToken));
        foreach (var session in sessions)
        {
            if (rule.Covers(session.LocalDate))
            {
                if (session.Status == SessionStatus.Scheduled)
                {
                    await connection.ExecuteAsync(new CommandDefinition(Retime, new
                    {
                        session.Id,
                        StartsAt = SessionCalendar.ToUtc(session.LocalDate, rule.Start, zone),
                        EndsAt = SessionCalendar.ToUtc(session.LocalDate, rule.End, zone),
                        Now = now,
                    }, tx, cancellationToken: cancellationToken));
                }
                continue;
            }
            await connection.ExecuteAsync(new CommandDefinition(DeleteBookings, new { session.Id }, tx, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(DeleteSession, new { session.Id }, tx, cancellationToken: cancellationToken));
        }
        await GroupStore.MaterializeAsync(connection, tx, dialect, request.GroupId, now, options.HorizonWeeks, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (await GroupStore.LoadAsync(connection, null, request.GroupId, cancellationToken))!;
    }

    private sealed class SessionRef
    {
        public Guid Id { get; init; }

        public DateOnly LocalDate { get; init; }

        public string Status { get; init; } = string.Empty;
    }
}

internal static class ChangeRecurrenceEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/groups/{groupId:guid}/recurrence", async (Guid groupId, ChangeRecurrenceBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(request);
                var changed = await mediator.Send(new ChangeRecurrenceRequest(groupId, version, body.EffectiveFrom, body.DaysOfWeek, body.StartTime, body.EndTime, body.LastDate), ct);
                ETag.Set(response, changed.Version);
                return TypedResults.Ok(changed);
            })
            .RequireRoles(Roles.Admin)
            .WithName("ChangeGroupRecurrence")
            .WithSummary("Change a group's recurrence from a date onward")
            .WithDescription("Replaces the weekly rule from a local date onward (If-Match required). Unattended future sessions from that date are retimed, removed or added; earlier sessions and attended ones keep their times.")
            .Accepts<ChangeRecurrenceBody>("application/json")
            .Produces<GroupDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
