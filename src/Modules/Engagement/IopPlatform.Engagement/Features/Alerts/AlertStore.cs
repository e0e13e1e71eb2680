using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>Alert kinds: dropout drift (the rule pack), the no-show outreach task, and the PHQ-9 safety alert.</summary>
internal static class AlertTypes
{
    public const string Drift = "drift";
    public const string OutreachTask = "outreach_task";
    public const string Safety = "safety";
}

/// <summary>The alert lifecycle (Engagement module README, "Lifecycle"): open → acknowledged → outreach_attempted → resolved | escalated.</summary>
internal static class AlertStatus
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string OutreachAttempted = "outreach_attempted";
    public const string Escalated = "escalated";
    public const string Resolved = "resolved";

    public const string Acknowledge = "acknowledge";
    public const string LogOutreach = "log_outreach";
    public const string Escalate = "escalate";
    public const string Resolve = "resolve";

    /// <summary>What may happen next. Escalated alerts stay workable (outreach, resolve) by the supervisor and the case manager.</summary>
    public static IReadOnlyList<string> Allowed(string status) => status switch
    {
        Open => [Acknowledge, LogOutreach, Escalate, Resolve],
        Acknowledged => [LogOutreach, Escalate, Resolve],
        OutreachAttempted => [LogOutreach, Escalate, Resolve],
        Escalated => [LogOutreach, Resolve],
        _ => [],
    };

    public static void Require(AlertRow alert, string transition)
    {
        var allowed = Allowed(alert.Status);
        if (!allowed.Contains(transition, StringComparer.Ordinal))
        {
            var conflict = new ConflictException($"Alert '{alert.Id}' is {alert.Status}; '{transition}' is not allowed from there.");
            conflict.Extensions["allowedTransitions"] = allowed;
            throw conflict;
        }
    }
}

/// <summary>Partner-facing event types Enrollment's engagement features write to <c>engagement_outbox</c> (Integration module README, "Webhook subscriptions").</summary>
internal static class EngagementEvents
{
    public const string AlertRaised = "alert.raised";
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string AlertResolved = "alert.resolved";
    public const string AlertEscalated = "alert.escalated";
}

/// <summary>What a rule or a reaction wants raised (or merged into the open alert of the same enrollment and rule).</summary>
internal sealed record AlertDraft
{
    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required Guid ProgramId { get; init; }

    public required string AlertType { get; init; }

    public required string Rule { get; init; }

    public required string Severity { get; init; }

    public required string Basis { get; init; }

    public required string InputsJson { get; init; }

    public IReadOnlyList<AlertEvidence> Evidence { get; init; } = [];

    public IReadOnlyList<string> Flags { get; init; } = [];

    public StaffRefDto? CaseManager { get; init; }

    public StaffRefDto? Supervisor { get; init; }

    /// <summary>Clinician to route to (safety alerts: the primary counsellor).</summary>
    public string? ClinicianId { get; init; }

    public DateTimeOffset? DueAt { get; init; }

    public Guid? SourceId { get; init; }

    /// <summary>What the one-open-alert key is made of besides the enrollment; the rule unless a family shares one alert (dropout risk) or each source has its own (no-show outreach).</summary>
    public string? OpenKeyRule { get; init; }

    public string OpenKey => AlertStore.OpenKey(EnrollmentId, OpenKeyRule ?? Rule);
}

/// <summary>What <see cref="AlertStore.RaiseAsync"/> did.</summary>
internal enum RaiseOutcome
{
    Created,
    Updated,
    Unchanged,

    /// <summary>A resolved alert already covered the same evidence at the same or a higher severity.</summary>
    AlreadyHandled,
}

internal sealed class AlertRow
{
    public Guid Id { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public Guid ProgramId { get; init; }

    public string AlertType { get; init; } = string.Empty;

    public string RuleCode { get; init; } = string.Empty;

    public string Severity { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public string Flags { get; init; } = "[]";

    public string Basis { get; init; } = string.Empty;

    public string Inputs { get; init; } = "{}";

    public string Evidence { get; init; } = "[]";

    public string? CaseManagerId { get; init; }

    public string? CaseManagerName { get; init; }

    public string? SupervisorId { get; init; }

    public string? SupervisorName { get; init; }

    public string? ClinicianId { get; init; }

    public DateTimeOffset? DueAt { get; init; }

    public Guid? SourceId { get; init; }

    public DateTimeOffset RaisedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? EscalatedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? ResolvedBy { get; init; }

    public string? Resolution { get; init; }

    public int Version { get; init; }

    /// <summary>Read only where a query selects it.</summary>
    public string? OpenKey { get; init; }
}

/// <summary>What an open alert already holds, found by its open key.</summary>
internal sealed class HeldAlert
{
    public string OpenKey { get; init; } = string.Empty;

    public string Severity { get; init; } = string.Empty;

    public string Flags { get; init; } = "[]";

    public string Evidence { get; init; } = "[]";
}

/// <summary>
/// The alerts table and its guarantees. Every change writes its history row and, when partners or staff must hear of
/// it, its <c>engagement_outbox</c> row in the caller's transaction: nothing is announced that is not stored.
/// </summary>
internal static class AlertStore
{
    public const string Columns = """
        id, enrollment_id AS EnrollmentId, patient_id AS PatientId, program_id AS ProgramId, alert_type AS AlertType, rule_code AS RuleCode, severity, status,
        flags, basis, inputs, evidence, case_manager_id AS CaseManagerId, case_manager_name AS CaseManagerName, supervisor_id AS SupervisorId,
        supervisor_name AS SupervisorName, clinician_id AS ClinicianId, due_at AS DueAt, source_id AS SourceId, raised_at AS RaisedAt,
        updated_at AS UpdatedAt, acknowledged_at AS AcknowledgedAt, acknowledged_by AS AcknowledgedBy, escalated_at AS EscalatedAt,
        resolved_at AS ResolvedAt, resolved_by AS ResolvedBy, resolution, version
        """;

    private const string ByOpenKey = $"SELECT {Columns} FROM engagement_alert WHERE open_key = @OpenKey";

    private const string ById = $"SELECT {Columns} FROM engagement_alert WHERE id = @Id";

    private const string LastResolved = $"SELECT {Columns} FROM engagement_alert WHERE enrollment_id = @EnrollmentId AND rule_code = @Rule AND status = 'resolved' ORDER BY id DESC";

    private const string Merge = """
        UPDATE engagement_alert SET severity = @Severity, flags = @Flags, basis = @Basis, inputs = @Inputs, evidence = @Evidence,
               updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    private const string InsertHistory = """
        INSERT INTO engagement_alert_history (id, alert_id, action, from_status, to_status, severity, actor, at, detail, rule_code, basis, inputs, evidence)
        VALUES (@Id, @AlertId, @Action, @FromStatus, @ToStatus, @Severity, @Actor, @At, @Detail, @RuleCode, @Basis, @Inputs, @Evidence)
        """;

    private const string Resolve = """
        UPDATE engagement_alert SET status = 'resolved', open_key = NULL, resolved_at = @Now, resolved_by = @Actor, resolution = @Resolution,
               updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version AND open_key IS NOT NULL
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string OpenKey(Guid enrollmentId, string rule) => $"{enrollmentId:N}|{rule}";

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    public static IReadOnlyList<AlertEvidence> ReadEvidence(string json) => ColumnJson.Read<List<AlertEvidence>>(json, []);

    public static IReadOnlyList<string> ReadFlags(string json) => ColumnJson.Read<List<string>>(json, []);

    public static async Task<AlertRow> GetAsync(DbConnection connection, Guid id, CancellationToken ct, DbTransaction? tx = null) =>
        await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(ById, new { Id = id }, tx, cancellationToken: ct))
        ?? throw new NotFoundException("Alert", id);

    /// <summary>
    /// Creates the alert, or merges the draft into the open alert of the same enrollment and rule (evidence united,
    /// severity only ever raised). The unique <c>open_key</c> decides races between job servers: the loser merges.
    /// </summary>
    public static async Task<(RaiseOutcome Outcome, Guid? AlertId)> RaiseAsync(
        DbConnection connection, DbTransaction tx, ISqlDialect dialect, AlertDraft draft, DateTimeOffset now, string actor, CancellationToken ct)
    {
        var openKey = draft.OpenKey;
        var open = await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(ByOpenKey, new { OpenKey = openKey }, tx, cancellationToken: ct));
        if (open is null)
        {
            var resolved = await connection.QueryFirstOrDefaultAsync<AlertRow>(new CommandDefinition(LastResolved, new { draft.EnrollmentId, draft.Rule }, tx, cancellationToken: ct));
            if (resolved is not null && Covers(resolved, draft))
            {
                return (RaiseOutcome.AlreadyHandled, resolved.Id);
            }
            var id = Guid.CreateVersion7();
            var insert = dialect.InsertIgnoreDuplicate("engagement_alert",
            [
                "id", "enrollment_id", "patient_id", "program_id", "alert_type", "rule_code", "severity", "status", "open_key", "flags", "basis", "inputs", "evidence",
                "case_manager_id", "case_manager_name", "supervisor_id", "supervisor_name", "clinician_id", "due_at", "source_id", "raised_at", "updated_at", "version",
            ], ["open_key"]);
            var inserted = await connection.ExecuteAsync(new CommandDefinition(insert, new
            {
                Id = id,
                draft.EnrollmentId,
                draft.PatientId,
                draft.ProgramId,
                draft.AlertType,
                RuleCode = draft.Rule,
                draft.Severity,
                Status = AlertStatus.Open,
                OpenKey = openKey,
                Flags = ToJson(draft.Flags.Distinct().ToList()),
                draft.Basis,
                Inputs = draft.InputsJson,
                Evidence = ToJson(draft.Evidence),
                CaseManagerId = draft.CaseManager?.UserId,
                CaseManagerName = draft.CaseManager?.DisplayName,
                SupervisorId = draft.Supervisor?.UserId,
                SupervisorName = draft.Supervisor?.DisplayName,
                draft.ClinicianId,
                draft.DueAt,
                draft.SourceId,
                RaisedAt = now,
                UpdatedAt = now,
                Version = 1,
            }, tx, cancellationToken: ct));
            if (inserted == 1)
            {
                await HistoryAsync(connection, tx, id, "raised", null, AlertStatus.Open, draft.Severity, actor, now, draft.Basis, ct, draft);
                await OutboxAsync(connection, tx, EngagementEvents.AlertRaised, id, draft.EnrollmentId, draft.PatientId, draft.ProgramId, draft.AlertType, draft.Rule,
                    draft.Severity, AlertStatus.Open, Recipients(draft.CaseManager?.UserId, draft.ClinicianId), now, ct);
                return (RaiseOutcome.Created, id);
            }
            open = await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(ByOpenKey, new { OpenKey = openKey }, tx, cancellationToken: ct))
                ?? throw new ConflictException($"The open {draft.Rule} alert of enrollment '{draft.EnrollmentId}' changed meanwhile; retry.");
        }
        return await MergeAsync(connection, tx, open, draft, now, actor, ct);
    }

    /// <summary>
    /// What the open alerts holding these open keys already say (severity, flags, evidence), by key: one query for a
    /// whole batch of drafts, without the alerts' longer columns.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, HeldAlert>> HeldByOpenKeysAsync(DbConnection connection, IReadOnlyCollection<string> openKeys, CancellationToken ct)
    {
        var found = new Dictionary<string, HeldAlert>(StringComparer.Ordinal);
        foreach (var chunk in openKeys.Distinct(StringComparer.Ordinal).Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var sql = $"SELECT open_key AS OpenKey, severity, flags, evidence FROM engagement_alert WHERE {SqlList.In("open_key", chunk, "K", parameters)}";
            foreach (var row in await connection.QueryAsync<HeldAlert>(new CommandDefinition(sql, parameters, cancellationToken: ct)))
            {
                found[row.OpenKey] = row;
            }
        }
        return found;
    }

    /// <summary>
    /// True when merging <paramref name="draft"/> into an open alert would change nothing (no new evidence, no higher
    /// severity, no new flag): the drift job skips such verdicts without a transaction.
    /// </summary>
    public static bool MergeChangesNothing(string severity, string flagsJson, string evidenceJson, AlertDraft draft)
    {
        var known = ReadEvidence(evidenceJson).Select(e => (e.Kind, e.Id)).ToHashSet();
        var flags = ReadFlags(flagsJson);
        return draft.Evidence.All(e => known.Contains((e.Kind, e.Id)))
               && AlertSeverity.Max(severity, draft.Severity) == severity
               && draft.Flags.All(f => flags.Contains(f, StringComparer.Ordinal));
    }

    /// <summary>The open alert after merging <paramref name="draft"/>: evidence united, severity only ever raised, flags united.</summary>
    public static (string Severity, List<string> Flags, List<AlertEvidence> Evidence, List<AlertEvidence> Added) Merged(AlertRow open, AlertDraft draft)
    {
        var evidence = ReadEvidence(open.Evidence).ToList();
        var known = evidence.Select(e => (e.Kind, e.Id)).ToHashSet();
        var added = draft.Evidence.Where(e => !known.Contains((e.Kind, e.Id))).ToList();
        evidence.AddRange(added);
        return (AlertSeverity.Max(open.Severity, draft.Severity), ReadFlags(open.Flags).Union(draft.Flags).ToList(), evidence, added);
    }

    private static async Task<(RaiseOutcome, Guid?)> MergeAsync(DbConnection connection, DbTransaction tx, AlertRow open, AlertDraft draft, DateTimeOffset now, string actor, CancellationToken ct)
    {
        if (MergeChangesNothing(open.Severity, open.Flags, open.Evidence, draft))
        {
            return (RaiseOutcome.Unchanged, open.Id);
        }
        var (severity, flags, evidence, added) = Merged(open, draft);
        var raised = severity != open.Severity;
        var changed = await connection.ExecuteAsync(new CommandDefinition(Merge, new
        {
            open.Id,
            open.Version,
            Severity = severity,
            Flags = ToJson(flags),
            draft.Basis,
            Inputs = draft.InputsJson,
            Evidence = ToJson(evidence),
            Now = now,
        }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            throw new ConflictException($"Alert '{open.Id}' changed meanwhile; retry.");
        }
        var detail = raised ? $"severity {open.Severity} → {severity}; {added.Count} new evidence record(s)" : $"{added.Count} new evidence record(s)";
        await HistoryAsync(connection, tx, open.Id, raised ? "severity_raised" : "evidence_updated", open.Status, open.Status, severity, actor, now, detail, ct, draft);
        if (raised)
        {
            // A rise in severity is news for the case manager and for partners watching alerts.
            await OutboxAsync(connection, tx, EngagementEvents.AlertRaised, open.Id, open.EnrollmentId, open.PatientId, open.ProgramId, open.AlertType, open.RuleCode,
                severity, open.Status, Recipients(open.CaseManagerId, open.ClinicianId), now, ct);
        }
        return (RaiseOutcome.Updated, open.Id);
    }

    /// <summary>A resolved alert covers a new signal when it already held every evidence record at no lower severity.</summary>
    public static bool Covers(AlertRow resolved, AlertDraft draft)
    {
        var held = ReadEvidence(resolved.Evidence).Select(e => (e.Kind, e.Id)).ToHashSet();
        return AlertSeverity.Rank(draft.Severity) <= AlertSeverity.Rank(resolved.Severity) && draft.Evidence.All(e => held.Contains((e.Kind, e.Id)));
    }

    public static IReadOnlyList<string> Recipients(params string?[] userIds) =>
        userIds.Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u!).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>One history row; <paramref name="evaluation"/> is the rule evaluation behind it (raised, severity raised, new evidence), kept as it was then.</summary>
    public static Task HistoryAsync(
        DbConnection connection, DbTransaction tx, Guid alertId, string action, string? from, string to, string severity, string actor, DateTimeOffset at, string? detail, CancellationToken ct,
        AlertDraft? evaluation = null) =>
        connection.ExecuteAsync(new CommandDefinition(InsertHistory, new
        {
            Id = Guid.CreateVersion7(),
            AlertId = alertId,
            Action = action,
            FromStatus = from,
            ToStatus = to,
            Severity = severity,
            Actor = actor,
            At = at,
            Detail = detail,
            RuleCode = evaluation?.Rule,
            evaluation?.Basis,
            Inputs = evaluation?.InputsJson,
            Evidence = evaluation is null ? null : ToJson(evaluation.Evidence),
        }, tx, cancellationToken: ct));

    /// <summary>
    /// Resolves an open alert with history and an <c>alert.resolved</c> event; false when it changed meanwhile (its
    /// owner's change wins). <paramref name="evaluation"/> is what showed the alert is over (e.g. the session attended).
    /// </summary>
    public static async Task<bool> ResolveAsync(
        DbConnection connection, DbTransaction tx, AlertRow alert, string resolution, string actor, DateTimeOffset now, CancellationToken ct, AlertDraft? evaluation = null)
    {
        if (await connection.ExecuteAsync(new CommandDefinition(Resolve, new { alert.Id, alert.Version, Now = now, Actor = actor, Resolution = resolution }, tx, cancellationToken: ct)) == 0)
        {
            return false;
        }
        await HistoryAsync(connection, tx, alert.Id, "resolved", alert.Status, AlertStatus.Resolved, alert.Severity, actor, now, resolution, ct, evaluation);
        await OutboxAsync(connection, tx, alert, EngagementEvents.AlertResolved, AlertStatus.Resolved, [], now, ct);
        return true;
    }

    /// <summary>The open alerts holding these open keys, by key.</summary>
    public static async Task<IReadOnlyDictionary<string, AlertRow>> OpenByKeysAsync(DbConnection connection, IReadOnlyCollection<string> openKeys, CancellationToken ct, DbTransaction? tx = null)
    {
        var found = new Dictionary<string, AlertRow>(StringComparer.Ordinal);
        foreach (var chunk in openKeys.Distinct(StringComparer.Ordinal).Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var sql = $"SELECT {Columns}, open_key AS OpenKey FROM engagement_alert WHERE {SqlList.In("open_key", chunk, "K", parameters)}";
            foreach (var row in await connection.QueryAsync<AlertRow>(new CommandDefinition(sql, parameters, tx, cancellationToken: ct)))
            {
                found[row.OpenKey!] = row;
            }
        }
        return found;
    }

    public static Task OutboxAsync(DbConnection connection, DbTransaction tx, AlertRow alert, string eventType, string status, IReadOnlyList<string> notify, DateTimeOffset at, CancellationToken ct) =>
        OutboxAsync(connection, tx, eventType, alert.Id, alert.EnrollmentId, alert.PatientId, alert.ProgramId, alert.AlertType, alert.RuleCode, alert.Severity, status, notify, at, ct);

    /// <summary>The payload carries ids and codes only; a partner fetches details through the API under its consent.</summary>
    private static Task<int> OutboxAsync(
        DbConnection connection, DbTransaction tx, string eventType, Guid alertId, Guid enrollmentId, Guid patientId, Guid programId, string alertType, string rule,
        string severity, string status, IReadOnlyList<string> notify, DateTimeOffset at, CancellationToken ct) =>
        EngagementOutbox.WriteAsync(connection, tx, eventType, alertId, patientId,
            new { alertId, enrollmentId, patientId, programId, alertType, rule, severity, status, occurredAt = at }, at, ct, notify, severity);
}
