using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

internal static class AlertMapping
{
    private const string History = """
        SELECT action, from_status AS FromStatus, to_status AS ToStatus, severity, actor, at, detail, rule_code AS RuleCode, basis, inputs, evidence
        FROM engagement_alert_history WHERE alert_id = @Id ORDER BY at, id
        """;

    private const string Attempts = """
        SELECT id, alert_id AS AlertId, channel, outcome, barriers, note, attempted_at AS AttemptedAt, recorded_by AS RecordedBy
        FROM engagement_outreach_attempt WHERE alert_id = @Id ORDER BY id
        """;

    public static AlertDto ToDto(AlertRow r) => new()
    {
        Id = r.Id,
        EnrollmentId = r.EnrollmentId,
        PatientId = r.PatientId,
        ProgramId = r.ProgramId,
        AlertType = r.AlertType,
        Rule = r.RuleCode,
        Severity = r.Severity,
        Status = r.Status,
        Flags = AlertStore.ReadFlags(r.Flags),
        Basis = r.Basis,
        Inputs = InputsJson.Parse(r.Inputs),
        Evidence = AlertStore.ReadEvidence(r.Evidence),
        CaseManager = r.CaseManagerId is null ? null : new StaffRefDto(r.CaseManagerId, r.CaseManagerName ?? r.CaseManagerId),
        Supervisor = r.SupervisorId is null ? null : new StaffRefDto(r.SupervisorId, r.SupervisorName ?? r.SupervisorId),
        ClinicianId = r.ClinicianId,
        DueAt = r.DueAt,
        RaisedAt = r.RaisedAt,
        UpdatedAt = r.UpdatedAt,
        AcknowledgedAt = r.AcknowledgedAt,
        EscalatedAt = r.EscalatedAt,
        ResolvedAt = r.ResolvedAt,
        Resolution = r.Resolution,
        AllowedTransitions = AlertStatus.Allowed(r.Status),
        Version = r.Version,
    };

    public static async Task<AlertDto> DetailAsync(DbConnection connection, AlertRow row, CancellationToken ct)
    {
        var history = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(History, new { row.Id }, cancellationToken: ct))).Select(h => new AlertHistoryDto
        {
            Action = h.Action,
            FromStatus = h.FromStatus,
            ToStatus = h.ToStatus,
            Severity = h.Severity,
            Actor = h.Actor,
            At = h.At,
            Detail = h.Detail,
            Rule = h.RuleCode,
            Basis = h.Basis,
            Inputs = h.Inputs is null ? null : InputsJson.Parse(h.Inputs),
            Evidence = h.Evidence is null ? null : AlertStore.ReadEvidence(h.Evidence),
        }).ToList();
        var attempts = await connection.QueryAsync<AttemptRow>(new CommandDefinition(Attempts, new { row.Id }, cancellationToken: ct));
        return ToDto(row) with
        {
            History = history,
            OutreachAttempts = attempts.Select(a => new OutreachAttemptDto
            {
                Id = a.Id,
                AlertId = a.AlertId,
                Channel = a.Channel,
                Outcome = a.Outcome,
                Barriers = ColumnJson.Read<List<string>>(a.Barriers, []),
                Note = a.Note,
                AttemptedAt = a.AttemptedAt,
                RecordedBy = a.RecordedBy,
            }).ToList(),
        };
    }

    private sealed class HistoryRow
    {
        public string Action { get; init; } = string.Empty;

        public string? FromStatus { get; init; }

        public string ToStatus { get; init; } = string.Empty;

        public string Severity { get; init; } = string.Empty;

        public string Actor { get; init; } = string.Empty;

        public DateTimeOffset At { get; init; }

        public string? Detail { get; init; }

        public string? RuleCode { get; init; }

        public string? Basis { get; init; }

        public string? Inputs { get; init; }

        public string? Evidence { get; init; }
    }

    private sealed class AttemptRow
    {
        public Guid Id { get; init; }

        public Guid AlertId { get; init; }

        public string Channel { get; init; } = string.Empty;

        public string Outcome { get; init; } = string.Empty;

        public string Barriers { get; init; } = "[]";

        public string? Note { get; init; }

        public DateTimeOffset AttemptedAt { get; init; }

        public string RecordedBy { get; init; } = string.Empty;
    }
}
