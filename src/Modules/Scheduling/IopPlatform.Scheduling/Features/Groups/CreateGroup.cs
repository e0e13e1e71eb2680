using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Groups;

/// <summary>Creates a recurring group at a site; its sessions are materialised at once for the rolling horizon.</summary>
/// <param name="SiteId">The site (its IANA time zone is the group's).</param>
/// <param name="Name">Display name (1–200).</param>
/// <param name="Track">Optional track, e.g. "Evening adult".</param>
/// <param name="SessionKind">group_recovery, relapse_prevention, coping_skills, family_therapy, expressive_therapy, mutual_support_meeting, alumni_mentorship, psychoeducation, other.</param>
/// <param name="Capacity">Seats per session (≥ 1; typically 12–15).</param>
/// <param name="FacilitatorIds">Staff ids (token subjects) of the facilitators.</param>
/// <param name="DaysOfWeek">Days the group meets, e.g. ["monday","wednesday","thursday"].</param>
/// <param name="StartTime">Local start time, e.g. "18:00:00".</param>
/// <param name="EndTime">Local end time, after the start on the same day.</param>
/// <param name="FirstDate">First local date the recurrence applies.</param>
/// <param name="LastDate">Optional last local date; today (at the site) or later. The first date may be in the past: sessions are materialised from today on.</param>
/// <param name="TimeZone">Optional: when sent it must name the site's zone (a check that the caller reads the times as the site does).</param>
internal sealed record CreateGroupRequest(
    Guid SiteId,
    string Name,
    string? Track,
    string SessionKind,
    int Capacity,
    IReadOnlyList<string>? FacilitatorIds,
    IReadOnlyList<string>? DaysOfWeek,
    TimeOnly StartTime,
    TimeOnly EndTime,
    DateOnly FirstDate,
    DateOnly? LastDate,
    string? TimeZone) : IRequest<GroupDto>;

internal sealed class CreateGroupValidator : AbstractValidator<CreateGroupRequest>
{
    public CreateGroupValidator()
    {
        RuleFor(x => x.SiteId).NotEmpty();
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Track).MaximumLength(100);
        RuleFor(x => x.SessionKind).NotEmpty().IsOneOf(SessionKinds.All)
            .WithMessage(x => $"'{x.SessionKind}' is not a session kind; use one of {string.Join(", ", SessionKinds.All)}.");
        RuleFor(x => x.Capacity).GreaterThanOrEqualTo(1).LessThanOrEqualTo(500);
        RuleForEach(x => x.FacilitatorIds).NotEmpty().MaximumLength(100);
        RuleFor(x => x.TimeZone)
            .Must(z => SessionCalendar.FindZone(z) is not null).When(x => x.TimeZone is not null)
            .WithMessage(x => $"'{x.TimeZone}' is not a known IANA time zone.");
        RecurrenceRules.Apply(this, x => x.DaysOfWeek, x => x.StartTime, x => x.EndTime, x => x.FirstDate, x => x.LastDate);
    }
}

/// <summary>Validation shared by creating a group and changing its recurrence.</summary>
internal static class RecurrenceRules
{
    public static void Apply<T>(
        AbstractValidator<T> v,
        System.Linq.Expressions.Expression<Func<T, IReadOnlyList<string>?>> days,
        System.Linq.Expressions.Expression<Func<T, TimeOnly>> start,
        System.Linq.Expressions.Expression<Func<T, TimeOnly>> end,
        System.Linq.Expressions.Expression<Func<T, DateOnly>> first,
        System.Linq.Expressions.Expression<Func<T, DateOnly?>> last)
    {
        var startOf = start.Compile();
        var firstOf = first.Compile();
        v.RuleFor(days).NotEmpty().WithMessage("Give at least one day of the week the group meets.")
            .ForEach(day => day.Must(d => SessionCalendar.TryParseDay(d, out _)).WithMessage("'{PropertyValue}' is not a day of the week (monday … sunday)."));
        v.RuleFor(end).Must((x, e) => e > startOf(x)).WithMessage("The end time must be after the start time on the same day.");
        v.RuleFor(first).NotEqual(default(DateOnly)).WithMessage("Give the first date of the recurrence.");
        v.RuleFor(last).Must((x, l) => l is null || l.Value >= firstOf(x)).WithMessage("The last date must not be before the first date.");
    }
}

internal sealed class CreateGroupHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, TimeProvider clock, SchedulingOptions options)
    : IRequestHandler<CreateGroupRequest, GroupDto>
{
    private const string InsertGroup = """
        INSERT INTO scheduling_group (id, site_id, time_zone, name, track, session_kind, capacity, version, created_at, updated_at)
        VALUES (@Id, @SiteId, @TimeZone, @Name, @Track, @SessionKind, @Capacity, 1, @Now, @Now)
        """;

    private const string InsertFacilitator = "INSERT INTO scheduling_group_facilitator (group_id, staff_id) VALUES (@GroupId, @StaffId)";

    internal const string InsertRule = """
        INSERT INTO scheduling_group_recurrence (id, group_id, valid_from, valid_until, days_of_week, start_time, end_time, created_at)
        VALUES (@Id, @GroupId, @ValidFrom, @ValidUntil, @DaysOfWeek, @StartTime, @EndTime, @Now)
        """;

    public async Task<GroupDto> Handle(CreateGroupRequest request, CancellationToken cancellationToken)
    {
        var site = await mediator.Send(new GetSiteQuery(request.SiteId), cancellationToken)
            ?? throw new BadRequestException(nameof(request.SiteId), $"Site '{request.SiteId}' does not exist.");
        if (SessionCalendar.FindZone(site.TimeZone) is not { } zone)
        {
            throw new UnprocessableException($"The site's time zone '{site.TimeZone}' is not known on this server; sessions cannot be placed in time.");
        }
        // The allowed range: a first date in the past is fine (sessions are materialised from today on); a last date
        // before the site's today would make a group that never meets.
        var siteToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        if (request.LastDate is { } lastDate && lastDate < siteToday)
        {
            throw new BadRequestException(
                nameof(request.LastDate),
                $"The last date {lastDate:yyyy-MM-dd} has passed at the site (today is {siteToday:yyyy-MM-dd} there): a group dated entirely in the past would have no sessions. Give a last date of today or later, or none.");
        }
        if (request.TimeZone is not null && !string.Equals(request.TimeZone, site.TimeZone, StringComparison.Ordinal))
        {
            throw new BadRequestException(nameof(request.TimeZone), $"The group meets in its site's time zone '{site.TimeZone}', not '{request.TimeZone}'.");
        }
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertGroup, new
        {
            Id = id,
            request.SiteId,
            site.TimeZone,
            Name = request.Name.Trim(),
            Track = string.IsNullOrWhiteSpace(request.Track) ? null : request.Track.Trim(),
            request.SessionKind,
            request.Capacity,
            Now = now,
        }, tx, cancellationToken: cancellationToken));
        foreach (var staff in (request.FacilitatorIds ?? []).Select(f => f.Trim()).Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertFacilitator, new { GroupId = id, StaffId = staff }, tx, cancellationToken: cancellationToken));
        }
        await connection.ExecuteAsync(new CommandDefinition(InsertRule, new
        {
            Id = Guid.CreateVersion7(),
            GroupId = id,
            ValidFrom = request.FirstDate,
            ValidUntil = request.LastDate,
            DaysOfWeek = SessionCalendar.FormatDays(request.DaysOfWeek!.Select(d => Enum.Parse<DayOfWeek>(d, ignoreCase: true))),
            request.StartTime,
            request.EndTime,
            Now = now,
        }, tx, cancellationToken: cancellationToken));
        await GroupStore.MaterializeAsync(connection, tx, dialect, id, now, options.HorizonWeeks, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (await GroupStore.LoadAsync(connection, null, id, cancellationToken))!;
    }
}

internal static class CreateGroupEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/groups", async (CreateGroupRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var created = await mediator.Send(body, ct);
                ETag.Set(response, created.Version);
                return TypedResults.Created($"/api/v1/groups/{created.Id}", created);
            })
            .RequireRoles(Roles.Admin)
            .WithName("CreateGroup")
            .WithSummary("Create a recurring group")
            .WithDescription("Creates a group that meets weekly at local wall-clock time in its site's IANA time zone (DST-safe) and materialises its sessions for the rolling horizon (default 8 weeks).")
            .Accepts<CreateGroupRequest>("application/json")
            .Produces<GroupDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
