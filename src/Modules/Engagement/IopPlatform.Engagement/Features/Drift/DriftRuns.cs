using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace IopPlatform.Engagement.Features.Drift;

/// <summary>
/// Recurring job <c>engagement:detect-drift</c> (every 15 minutes by default): evaluates each program once per local day
/// of its site, after <see cref="DriftSchedule.LocalTime"/> there, when the evening's attendance has been recorded. A
/// day missed while no server ran is caught up on the next run.
/// </summary>
internal sealed record RunDueDriftScansCommand : IRequest<Unit>;

/// <summary>When the drift job evaluates a site's programs (<c>Engagement:DriftLocalTime</c>, <c>Engagement:DriftScheduleCron</c>).</summary>
internal sealed record DriftSchedule(TimeOnly LocalTime, string Cron)
{
    public static DriftSchedule From(IConfiguration configuration)
    {
        // 23:30: after a 21:00 session's end plus the missed-session job's default 2 h grace, so its no-shows are marked.
        var text = configuration["Engagement:DriftLocalTime"] ?? "23:30";
        if (!TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            throw new InvalidOperationException($"Engagement:DriftLocalTime must be a local time HH:mm (e.g. 23:30), not '{text}'.");
        }
        return new DriftSchedule(time, configuration["Engagement:DriftScheduleCron"] ?? "*/15 * * * *");
    }

    /// <summary>The latest local day whose drift time has passed in <paramref name="zone"/>.</summary>
    public DateOnly DueDay(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var today = DateOnly.FromDateTime(local);
        return TimeOnly.FromDateTime(local) >= LocalTime ? today : today.AddDays(-1);
    }
}

/// <summary><c>engagement_drift_run</c>: one row per program and local day the drift job evaluated.</summary>
internal static class DriftRuns
{
    private const string Ran = "SELECT COUNT(*) FROM engagement_drift_run WHERE program_id = @ProgramId AND local_date = @LocalDate";

    public static async Task<bool> RanAsync(IDbConnectionFactory db, Guid programId, DateOnly localDate, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(Ran, new { ProgramId = programId, LocalDate = localDate }, cancellationToken: ct)) > 0;
    }

    /// <summary>Recorded after the scan: a crash before it repeats the (idempotent) scan, never skips it.</summary>
    public static async Task RecordAsync(IDbConnectionFactory db, ISqlDialect dialect, Guid programId, DateOnly localDate, int evaluated, DateTimeOffset now, CancellationToken ct)
    {
        var insert = dialect.InsertIgnoreDuplicate("engagement_drift_run", ["program_id", "local_date", "ran_at", "enrollments_evaluated"], ["program_id", "local_date"]);
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(insert, new { ProgramId = programId, LocalDate = localDate, RanAt = now, EnrollmentsEvaluated = evaluated }, cancellationToken: ct));
    }
}
