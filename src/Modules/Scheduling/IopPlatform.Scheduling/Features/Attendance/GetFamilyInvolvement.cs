using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Attendance;

internal sealed class GetFamilyInvolvementValidator : AbstractValidator<GetFamilyInvolvementQuery>
{
    public GetFamilyInvolvementValidator() => RuleFor(x => x.EnrollmentIds).NotNull();
}

/// <summary>
/// Answers Outcomes' relationships milestone: attended sessions of <c>family_therapy</c> groups, one query per chunk of
/// enrollments. Only attended statuses count as involvement; an excused absence is not a family session.
/// </summary>
internal sealed class GetFamilyInvolvementHandler(IDbConnectionFactory db) : IRequestHandler<GetFamilyInvolvementQuery, IReadOnlyList<FamilySessionAttendedDto>>
{
    private const string FamilyTherapy = "family_therapy";

    private const string Select = """
        SELECT a.enrollment_id AS EnrollmentId, a.id AS AttendanceId, s.id AS SessionId, s.group_id AS GroupId,
               s.starts_at AS StartsAt, s.ends_at AS EndsAt, a.status AS Status
        FROM scheduling_attendance a
        JOIN scheduling_session s ON s.id = a.session_id
        JOIN scheduling_group g ON g.id = s.group_id
        WHERE {0} AND g.session_kind = @Kind AND a.status IN (@Present, @Late, @LeftEarly)
        ORDER BY a.enrollment_id, s.starts_at, s.id
        """;

    public async Task<IReadOnlyList<FamilySessionAttendedDto>> Handle(GetFamilyInvolvementQuery request, CancellationToken cancellationToken)
    {
        var result = new List<FamilySessionAttendedDto>();
        if (request.EnrollmentIds.Count == 0)
        {
            return result;
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters(new
            {
                Kind = FamilyTherapy,
                Present = AttendanceStatus.Present,
                Late = AttendanceStatus.Late,
                LeftEarly = AttendanceStatus.LeftEarly,
            });
            var sql = Select.Replace("{0}", SqlList.In("a.enrollment_id", chunk, "Id", parameters), StringComparison.Ordinal);
            result.AddRange(await connection.QueryAsync<FamilySessionAttendedDto>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }
        return result;
    }
}
