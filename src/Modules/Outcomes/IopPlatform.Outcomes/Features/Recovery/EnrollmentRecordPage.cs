namespace IopPlatform.Outcomes.Features.Recovery;

/// <summary>
/// One page of an enrollment's self-reported records (recovery checks, support activities): the enrollment must exist,
/// a partner needs an <c>outcomes</c> consent, and rows page by id.
/// </summary>
internal sealed class EnrollmentRecordPage(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, IAuditScope audit)
{
    public async Task<CursorPage<T>> ReadAsync<T>(string table, string columns, Guid enrollmentId, int limit, string? cursor, Func<T, Guid> id, CancellationToken ct)
    {
        var after = Cursor.Decode(cursor);
        var profile = await mediator.RequireProfileAsync(enrollmentId, audit, ct);
        var where = after is null ? "enrollment_id = @EnrollmentId" : "enrollment_id = @EnrollmentId AND id > @After";
        var sql = $"SELECT {columns} FROM {table} WHERE {where} ORDER BY id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, new { EnrollmentId = enrollmentId, After = after, Take = limit + 1 }, cancellationToken: ct));
        var page = Cursor.Page(rows.AsList(), limit, id);
        await mediator.Send(new DiscloseRecordsCommand(profile.PatientId, InformationCategories.Outcomes, [.. page.Items.Select(r => $"{table}/{id(r)}")]) { RefusedAs = new("Enrollment", enrollmentId) }, ct);
        return page;
    }
}
