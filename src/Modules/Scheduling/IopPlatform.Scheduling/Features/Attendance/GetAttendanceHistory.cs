using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Scheduling.Contracts;
using IopPlatform.Scheduling.Domain;
using MediatR;

namespace IopPlatform.Scheduling.Features.Attendance;

internal sealed class GetAttendanceHistoryValidator : AbstractValidator<GetAttendanceHistoryQuery>
{
    public GetAttendanceHistoryValidator()
    {
        RuleFor(x => x.EnrollmentIds).NotNull();
        RuleFor(x => x.To).GreaterThan(x => x.From);
    }
}

/// <summary>
/// One set-based query per 1,000 enrollments (IN lists stay under SQL Server's 2,100-parameter limit), never one per
/// patient: the drift job asks for every active enrollment at once.
/// </summary>
internal sealed class GetAttendanceHistoryHandler(IDbConnectionFactory db) : IRequestHandler<GetAttendanceHistoryQuery, IReadOnlyList<AttendanceHistoryItemDto>>
{
    private const int ChunkSize = 1000;

    private const string Select = """
        SELECT b.enrollment_id AS EnrollmentId, b.patient_id AS PatientId, s.id AS SessionId, s.group_id AS GroupId,
               s.starts_at AS StartsAt, s.ends_at AS EndsAt, a.status, COALESCE(a.minutes, 0) AS Minutes,
               COALESCE(a.telehealth, @False) AS Telehealth
        FROM scheduling_booking b
        JOIN scheduling_session s ON s.id = b.session_id
        LEFT JOIN scheduling_attendance a ON a.session_id = b.session_id AND a.enrollment_id = b.enrollment_id
        WHERE {0} AND s.starts_at >= @From AND s.starts_at < @To
          AND (a.id IS NOT NULL OR (b.status = 'booked' AND s.status <> 'cancelled'))
        ORDER BY b.enrollment_id, s.starts_at
        """;

    public async Task<IReadOnlyList<AttendanceHistoryItemDto>> Handle(GetAttendanceHistoryQuery request, CancellationToken cancellationToken)
    {
        var result = new List<AttendanceHistoryItemDto>();
        if (request.EnrollmentIds.Count == 0)
        {
            return result;
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(ChunkSize))
        {
            var parameters = new DynamicParameters(new { request.From, request.To, False = false });
            var sql = Select.Replace("{0}", SqlList.In("b.enrollment_id", chunk, "Id", parameters), StringComparison.Ordinal);
            result.AddRange(await connection.QueryAsync<AttendanceHistoryItemDto>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }
        return result;
    }
}
