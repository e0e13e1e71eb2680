using System.Globalization;
using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;

namespace IopPlatform.Scheduling.Features.Hours;

internal sealed class GetWeeklyHoursValidator : AbstractValidator<GetWeeklyHoursQuery>
{
    public GetWeeklyHoursValidator()
    {
        RuleFor(x => x.EnrollmentIds).NotNull();
        RuleFor(x => x.IsoYear).InclusiveBetween(2000, 2100);
        RuleFor(x => x.IsoWeek).Must((x, w) => w >= 1 && x.IsoYear is >= 2000 and <= 2100 && w <= ISOWeek.GetWeeksInYear(x.IsoYear))
            .WithMessage(x => $"Week {x.IsoWeek} does not exist in ISO year {x.IsoYear}.");
    }
}

/// <summary>
/// Attended minutes per ISO week in each enrollment's site zone: a session counts in the week and on the day its start
/// falls in locally, so a Sunday-evening session in New York never leaks into Monday's UTC week.
/// </summary>
internal sealed class GetWeeklyHoursHandler(IDbConnectionFactory db, IMediator mediator, SchedulingOptions options)
    : IRequestHandler<GetWeeklyHoursQuery, IReadOnlyList<WeeklyHoursDto>>
{
    private const string SelectEnrollments = $"SELECT {RosterStore.EnrollmentColumns} FROM scheduling_enrollment WHERE ";

    private const string SelectAttended = """
        SELECT a.enrollment_id AS EnrollmentId, a.minutes, s.starts_at AS StartsAt
        FROM scheduling_attendance a JOIN scheduling_session s ON s.id = a.session_id
        WHERE s.starts_at >= @From AND s.starts_at < @To AND a.status IN ('present', 'late', 'left_early')
        """;

    public async Task<IReadOnlyList<WeeklyHoursDto>> Handle(GetWeeklyHoursQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var enrollments = new List<EnrollmentRow>();
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(1000))
        {
            var parameters = new DynamicParameters();
            var sql = SelectEnrollments + SqlList.In("enrollment_id", chunk, "Id", parameters);
            enrollments.AddRange(await connection.QueryAsync<EnrollmentRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }
        var result = new List<WeeklyHoursDto>();
        foreach (var site in enrollments.GroupBy(e => e.SiteId))
        {
            var siteDto = await mediator.Send(new GetSiteQuery(site.Key), cancellationToken);
            var zone = SessionCalendar.FindZone(siteDto?.TimeZone)
                ?? throw new UnprocessableException($"The time zone of site '{site.Key}' is unknown; weekly hours cannot be placed in its weeks.");
            var (monday, from, to) = SessionCalendar.IsoWeek(request.IsoYear, request.IsoWeek, zone);
            var attended = new List<AttendedRow>();
            foreach (var chunk in site.Select(e => e.EnrollmentId).Chunk(1000))
            {
                var parameters = new DynamicParameters(new { From = from, To = to });
                var sql = SelectAttended + " AND " + SqlList.In("a.enrollment_id", chunk, "Id", parameters);
                attended.AddRange(await connection.QueryAsync<AttendedRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
            }
            var byEnrollment = attended.ToLookup(a => a.EnrollmentId);
            foreach (var enrollment in site)
            {
                var verdict = WeeklyHoursRules.Evaluate(
                    byEnrollment[enrollment.EnrollmentId].Select(a => (SessionCalendar.LocalDate(a.StartsAt, zone), a.Minutes)),
                    enrollment.RequiredMinutesPerWeek,
                    options.BillingMinDaysPerWeek,
                    options.BillingMinMinutesPerDay);
                result.Add(new WeeklyHoursDto
                {
                    EnrollmentId = enrollment.EnrollmentId,
                    PatientId = enrollment.PatientId,
                    IsoYear = request.IsoYear,
                    IsoWeek = request.IsoWeek,
                    WeekStart = monday,
                    TimeZone = zone.Id,
                    AttendedMinutes = verdict.AttendedMinutes,
                    RequiredMinutes = enrollment.RequiredMinutesPerWeek,
                    Days = verdict.Days.Select(d => new AttendedDayDto { Date = d.Date, Minutes = d.Minutes }).ToList(),
                    BelowRequiredIntensity = verdict.BelowRequiredIntensity,
                    BillingRisk = verdict.BillingRisk,
                    BillingRiskReasons = verdict.BillingRiskReasons,
                });
            }
        }
        return result.OrderBy(r => r.EnrollmentId).ToList();
    }

    private sealed class AttendedRow
    {
        public Guid EnrollmentId { get; init; }

        public int Minutes { get; init; }

        public DateTimeOffset StartsAt { get; init; }
    }
}

/// <summary>Weekly hours of a caseload, as staff ask for it over HTTP (audited: it reveals attendance).</summary>
internal sealed record GetCaseloadHoursRequest(IReadOnlyList<Guid> EnrollmentIds, int? Year, int? Week) : IRequest<IReadOnlyList<WeeklyHoursDto>>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetCaseloadHoursValidator : AbstractValidator<GetCaseloadHoursRequest>
{
    public GetCaseloadHoursValidator()
    {
        RuleFor(x => x.EnrollmentIds).NotEmpty().WithMessage("Give at least one enrollmentId.")
            .Must(ids => ids.Count <= 500).WithMessage("At most 500 enrollments per call.");
        RuleFor(x => x.Year).NotNull().When(x => x.Week is not null).WithMessage("Give year with week.");
        RuleFor(x => x.Week).NotNull().When(x => x.Year is not null).WithMessage("Give week with year.");
    }
}

internal sealed class GetCaseloadHoursHandler(IMediator mediator, TimeProvider clock, IAuditScope audit) : IRequestHandler<GetCaseloadHoursRequest, IReadOnlyList<WeeklyHoursDto>>
{
    public async Task<IReadOnlyList<WeeklyHoursDto>> Handle(GetCaseloadHoursRequest request, CancellationToken cancellationToken)
    {
        var today = clock.GetUtcNow().UtcDateTime;
        var rows = await mediator.Send(new GetWeeklyHoursQuery(request.EnrollmentIds, request.Year ?? ISOWeek.GetYear(today), request.Week ?? ISOWeek.GetWeekOfYear(today)), cancellationToken);
        foreach (var row in rows)
        {
            audit.TouchedPatient(row.PatientId);
        }
        return rows;
    }
}

internal static class WeeklyHoursEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/enrollments/{enrollmentId:guid}/weekly-hours", async (Guid enrollmentId, IMediator mediator, CancellationToken ct, int? year = null, int? week = null) =>
            {
                var rows = await mediator.Send(new GetCaseloadHoursRequest([enrollmentId], year, week), ct);
                return TypedResults.Ok(rows.SingleOrDefault() ?? throw new NotFoundException("Enrollment", enrollmentId));
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetWeeklyHours")
            .WithSummary("Get a patient's weekly hours")
            .WithDescription("Attended minutes of an enrollment in an ISO week (year and week; default the current week) in its site's time zone, against the required hours, with the below_required_intensity and H0015 billing_risk flags.")
            .Produces<WeeklyHoursDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/weekly-hours", (IMediator mediator, CancellationToken ct, Guid[]? enrollmentId = null, int? year = null, int? week = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetCaseloadHoursRequest(enrollmentId ?? [], year, week), ct), h => ListPage.Key(h.EnrollmentId)))
            .RequireRoles(Roles.Staff)
            .WithName("GetCaseloadWeeklyHours")
            .WithSummary("Get weekly hours of a caseload")
            .WithDescription("Weekly hours of several enrollments at once (repeat enrollmentId, up to 500) for one ISO week, each in its own site's time zone. Unknown enrollments are left out.")
            .Produces<CursorPage<WeeklyHoursDto>>()
            .ProducesValidationProblem();
    }
}
