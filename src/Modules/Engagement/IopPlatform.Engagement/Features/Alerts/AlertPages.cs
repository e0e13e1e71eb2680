using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>A keyset page of alerts (by id) under the given filters; every patient on the page is recorded in the audit trail.</summary>
internal static class AlertPages
{
    public static async Task<CursorPage<AlertDto>> ReadAsync(
        IDbConnectionFactory db, ISqlDialect dialect, IAuditScope audit, List<string> filters, object filterValues, bool newestFirst, int limit, string? cursor, CancellationToken ct)
    {
        var after = Cursor.Decode(cursor);
        var parameters = new DynamicParameters(filterValues);
        parameters.Add("After", after);
        parameters.Add("Take", limit + 1);
        if (after is not null)
        {
            filters.Add(newestFirst ? "id < @After" : "id > @After");
        }
        var sql = $"SELECT {AlertStore.Columns} FROM engagement_alert WHERE {string.Join(" AND ", filters)} ORDER BY id {(newestFirst ? "DESC " : string.Empty)}{dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        var page = Cursor.Page(rows.Select(AlertMapping.ToDto).ToList(), limit, a => a.Id);
        foreach (var alert in page.Items)
        {
            audit.TouchedPatient(alert.PatientId);
        }
        return page;
    }
}
