using System.Globalization;
using IopPlatform.Engagement.Contracts;
using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;

namespace IopPlatform.Scheduling.Features.Hours;

internal sealed class GetWeeklyHoursValidator : AbstractValidator<GetWeeklyHoursQuery>
{
    public GetWeeklyHoursValidator()
    {
        RuleFor(x => x.EnrollmentIds).NotNull();
        RuleFor(x => x.IsoYear).InclusiveBetween(2000, 2100).When(x => x.IsoYear is not null);
        RuleFor(x => x.IsoWeek).Must((x, w) => w >= 1 && x.IsoYear is >= 2000 and <= 2100 && w <= ISOWeek.GetWeeksInYear(x.IsoYear.Value))
            .WithMessage(x => $"Week {x.IsoWeek} does not exist in ISO year {x.IsoYear}.").When(x => x.IsoWeek is not null);
        RuleFor(x => x.IsoWeek).Must((x, w) => (w is null) == (x.IsoYear is null)).WithMessage("Give year and week together, or neither for the current week.");
    }
}

/// <summary>
/// Attended minutes per ISO week in each enrollment's site zone: a session counts in the week and on the day its start
/// falls in locally, so a Sunday-evening session in New York never leaks into Monday's UTC week. Without a week the
/// current one is the week of today's date at the site (a Sunday evening in New York is still Sunday there). The H0015
/// thresholds are the program's (its rule pack in force), the same the drift job's billing-risk rule reads.
/// </summary>
internal sealed class GetWeeklyHoursHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock)
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
        var billing = new Dictionary<Guid, ProgramBillingThresholds>();
        foreach (var site in enrollments.GroupBy(e => e.SiteId))
        {
            var siteDto = await mediator.Send(new GetSiteQuery(site.Key), cancellationToken);
            var zone = SessionCalendar.FindZone(siteDto?.TimeZone)
                ?? throw new UnprocessableException($"The time zone of site '{site.Key}' is unknown; weekly hours cannot be placed in its weeks.");
            var today = SessionCalendar.LocalDate(clock.GetUtcNow(), zone).ToDateTime(TimeOnly.MinValue);
            var (isoYear, isoWeek) = (request.IsoYear ?? ISOWeek.GetYear(today), request.IsoWeek ?? ISOWeek.GetWeekOfYear(today));
            var (monday, from, to) = SessionCalendar.IsoWeek(isoYear, isoWeek, zone);
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
                if (!billing.TryGetValue(enrollment.ProgramId, out var h0015))
                {
                    billing[enrollment.ProgramId] = h0015 = await mediator.Send(new GetProgramBillingThresholdsQuery(enrollment.ProgramId), cancellationToken);
                }
                var verdict = WeeklyHoursRules.Evaluate(
                    byEnrollment[enrollment.EnrollmentId].Select(a => (SessionCalendar.LocalDate(a.StartsAt, zone), a.Minutes)),
                    enrollment.RequiredMinutesPerWeek,
                    h0015.MinDaysPerWeek,
                    (int)Math.Round(h0015.MinHoursPerDay * 60m, MidpointRounding.AwayFromZero));
                result.Add(new WeeklyHoursDto
                {
                    EnrollmentId = enrollment.EnrollmentId,
                    PatientId = enrollment.PatientId,
                    IsoYear = isoYear,
                    IsoWeek = isoWeek,
                    WeekStart = monday,
                    TimeZone = zone.Id,
                    AttendedMinutes = verdict.AttendedMinutes,
                    RequiredMinutes = enrollment.RequiredMinutesPerWeek,
                    Days = verdict.Days.Select(d => new AttendedDayDto { Date = d.Date, Minutes = d.Minutes }).ToList(),
                    BelowRequiredIntensity = verdict.BelowRequiredIntensity,
                    BillingRisk = verdict.BillingRisk,
                    BillingRiskReasons = verdict.BillingRiskReasons,
                    BillingMinDaysPerWeek = h0015.MinDaysPerWeek,
                    BillingMinHoursPerDay = h0015.MinHoursPerDay,
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

internal sealed class GetCaseloadHoursHandler(IMediator mediator, IAuditScope audit) : IRequestHandler<GetCaseloadHoursRequest, IReadOnlyList<WeeklyHoursDto>>
{
    public async Task<IReadOnlyList<WeeklyHoursDto>> Handle(GetCaseloadHoursRequest request, CancellationToken cancellationToken)
    {
        var rows = await mediator.Send(new GetWeeklyHoursQuery(request.EnrollmentIds, request.Year, request.Week), cancellationToken);
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
            .WithDescription("Attended minutes of an enrollment in an ISO week (year and week; default the week of today's date in its site's time zone) in its site's time zone, against the required hours, with the below_required_intensity flag and the H0015 billing_risk flag judged by the program's thresholds (its rule pack in force: belowIntensity.billingMinDaysPerWeek / billingMinHoursPerDay, the ones the drift job reads).")
            .Produces<WeeklyHoursDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/weekly-hours", (IMediator mediator, CancellationToken ct, Guid[]? enrollmentId = null, int? year = null, int? week = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetCaseloadHoursRequest(enrollmentId ?? [], year, week), ct), h => ListPage.Key(h.EnrollmentId)))
            .RequireRoles(Roles.Staff)
            .WithName("GetCaseloadWeeklyHours")
            .WithSummary("Get weekly hours of a caseload")
            .WithDescription("Weekly hours of several enrollments at once (repeat enrollmentId, up to 500) for one ISO week (default: the week of today's date at each enrollment's site), each in its own site's time zone. Unknown enrollments are left out.")
            .Produces<CursorPage<WeeklyHoursDto>>()
            .ProducesValidationProblem();
    }
}
