using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Enrollment.Infrastructure;
using MediatR;

namespace IopPlatform.Enrollment.Features.Engagement;

internal sealed class GetPendingEnrollmentEventsValidator : AbstractValidator<GetPendingEnrollmentEventsQuery>
{
    public GetPendingEnrollmentEventsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 500);
}

/// <summary>Set-based answers for jobs: care teams of many enrollments, and the engagement outbox for the dispatcher.</summary>
internal sealed class EngagementContractsHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock)
    : IRequestHandler<GetCareTeamsQuery, IReadOnlyList<CareTeamDto>>,
      IRequestHandler<GetPendingEnrollmentEventsQuery, IReadOnlyList<EnrollmentOutboxEventDto>>,
      IRequestHandler<MarkEnrollmentEventsDispatchedCommand, int>
{
    private const string CurrentTeams = """
        SELECT enrollment_id AS EnrollmentId, role, user_id AS UserId, display_name AS DisplayName
        FROM enrollment_care_team_assignment WHERE assigned_to IS NULL AND
        """;

    private const string Mark = "UPDATE enrollment_outbox SET dispatched_at = @Now WHERE dispatched_at IS NULL AND ";

    public async Task<IReadOnlyList<CareTeamDto>> Handle(GetCareTeamsQuery request, CancellationToken cancellationToken)
    {
        var rows = new List<AssignmentRow>();
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var sql = CurrentTeams + " " + SqlList.In("enrollment_id", chunk, "E", parameters);
            rows.AddRange(await connection.QueryAsync<AssignmentRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }
        return rows.GroupBy(r => r.EnrollmentId).Select(g => new CareTeamDto
        {
            EnrollmentId = g.Key,
            PrimaryCounsellor = Staff(g, "primary_counsellor"),
            CaseManager = Staff(g, "case_manager"),
            Supervisor = Staff(g, "supervisor"),
        }).ToList();
    }

    public async Task<IReadOnlyList<EnrollmentOutboxEventDto>> Handle(GetPendingEnrollmentEventsQuery request, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT id, event_type AS EventType, payload, patient_id AS PatientId, notify_user_ids AS NotifyUserIds, severity, occurred_at AS OccurredAt
            FROM enrollment_outbox WHERE dispatched_at IS NULL ORDER BY id {dialect.Limit("@Limit")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition(sql, request, cancellationToken: cancellationToken));
        return rows.Select(r => new EnrollmentOutboxEventDto
        {
            Id = r.Id,
            EventType = r.EventType,
            Payload = r.Payload,
            PatientId = r.PatientId,
            NotifyUserIds = ColumnJson.Read<List<string>>(r.NotifyUserIds, []),
            Severity = r.Severity,
            OccurredAt = r.OccurredAt,
        }).ToList();
    }

    public async Task<int> Handle(MarkEnrollmentEventsDispatchedCommand request, CancellationToken cancellationToken)
    {
        if (request.EventIds.Count == 0)
        {
            return 0;
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        var marked = 0;
        foreach (var chunk in request.EventIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters(new { Now = clock.GetUtcNow() });
            var sql = Mark + SqlList.In("id", chunk, "Id", parameters);
            marked += await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        }
        return marked;
    }

    private static StaffRefDto? Staff(IEnumerable<AssignmentRow> rows, string role) =>
        rows.Where(r => r.Role == role).Select(r => new StaffRefDto(r.UserId, r.DisplayName)).FirstOrDefault();

    private sealed class AssignmentRow
    {
        public Guid EnrollmentId { get; init; }

        public string Role { get; init; } = string.Empty;

        public string UserId { get; init; } = string.Empty;

        public string DisplayName { get; init; } = string.Empty;
    }

    private sealed class OutboxRow
    {
        public Guid Id { get; init; }

        public string EventType { get; init; } = string.Empty;

        public string Payload { get; init; } = string.Empty;

        public Guid? PatientId { get; init; }

        public string NotifyUserIds { get; init; } = "[]";

        public string? Severity { get; init; }

        public DateTimeOffset OccurredAt { get; init; }
    }
}
