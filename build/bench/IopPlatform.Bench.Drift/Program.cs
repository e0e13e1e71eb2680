using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Scheduling.Contracts;
using MediatR;

namespace IopPlatform.Bench.Drift;

/// <summary>
/// Drift-scan benchmark. Builds the API's service provider in-process (PlatformSetup.AddIopPlatform, reached by
/// reflection because it is internal to the host; nothing is listening) and times, in the same process and run:
///   contract — what the drift job does: page active enrollments 1,000 at a time (GetActiveEnrollmentsQuery), then take
///              their attendance from Scheduling's one ordered pass over the window (StreamAttendanceHistoryQuery),
///              folding it per enrollment;
///   floor    — one hand-written set-based SQL aggregate over the same bookings/attendance window.
///   job      — optional (--job "Type, Assembly" [--method Name|Name(ParameterType)]): the real drift job, resolved by
///              name (Engagement's DriftScanHandler.Handle(DetectDriftCommand), which Hangfire runs as engagement:detect-drift).
/// On PostgreSQL every phase also reports the rows the database scanned for it (pg_stat_user_tables: seq_tup_read +
/// idx_tup_fetch, delta around the phase; the pool is cleared first so every backend has flushed its counters).
/// Prints one JSON object (stdout) with wall times, rows, allocations and peak RSS per phase, and the ratio.
/// Configuration: Database__Engine, ConnectionStrings__Iop (as the API).
/// </summary>
internal static class Program
{
    private const string FloorSql = """
        SELECT b.enrollment_id AS EnrollmentId,
               COUNT(*) AS Sessions,
               SUM(CASE WHEN a.status IN ('present', 'late', 'left_early') THEN 1 ELSE 0 END) AS Attended,
               SUM(COALESCE(a.minutes, 0)) AS Minutes
        FROM scheduling_booking b
        JOIN scheduling_enrollment e ON e.enrollment_id = b.enrollment_id AND e.status = 'active'
        JOIN scheduling_session s ON s.id = b.session_id
        LEFT JOIN scheduling_attendance a ON a.session_id = b.session_id AND a.enrollment_id = b.enrollment_id
        WHERE s.starts_at >= @From AND s.starts_at < @To
          AND (a.id IS NOT NULL OR (b.status = 'booked' AND s.status <> 'cancelled'))
        GROUP BY b.enrollment_id
        """;

    private static readonly string[] Attended = ["present", "late", "left_early"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> Main(string[] args)
    {
        var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal) && x.i + 1 < args.Length)
            .ToDictionary(x => x.a[2..], x => args[x.i + 1], StringComparer.Ordinal);
        var repetitions = int.Parse(options.GetValueOrDefault("repetitions", "3"), CultureInfo.InvariantCulture);
        // The drift job reads DriftRules.HistoryDays (42) of attendance: the floor aggregates the same window.
        var days = int.Parse(options.GetValueOrDefault("days", "42"), CultureInfo.InvariantCulture);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hangfire:ServerEnabled"] = "false",
            ["Database:MigrateOnStart"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        // The API's global Program type identifies its assembly; PlatformSetup is internal there.
        var setup = typeof(global::Program).Assembly.GetType("IopPlatform.Api.Hosting.PlatformSetup", throwOnError: true)!;
        setup.GetMethod("AddIopPlatform", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [builder]);
        await using var app = builder.Build();

        var to = DateTimeOffset.UtcNow;
        var from = to.AddDays(-days);
        var results = new List<Phase>();
        for (var r = 0; r < repetitions; r++)
        {
            results.Add(await MeasureAsync(app.Services, "floor", r, () => FloorAsync(app.Services, from, to)));
            results.Add(await MeasureAsync(app.Services, "contract", r, () => ContractAsync(app.Services, from, to)));
            if (options.TryGetValue("job", out var job))
            {
                results.Add(await MeasureAsync(app.Services, "job", r, () => JobAsync(app.Services, job, options.GetValueOrDefault("method", "RunAsync"), options.GetValueOrDefault("count-sql"))));
            }
        }

        var summary = results.GroupBy(p => p.Name).ToDictionary(g => g.Key, g =>
        {
            var sorted = g.OrderBy(p => p.Seconds).ToList();
            var median = sorted[sorted.Count / 2];
            return new
            {
                medianSeconds = Math.Round(median.Seconds, 3),
                minSeconds = Math.Round(sorted[0].Seconds, 3),
                maxSeconds = Math.Round(sorted[^1].Seconds, 3),
                median.Enrollments,
                median.RowsRead,
                median.Attended,
                allocatedMb = Math.Round(median.AllocatedBytes / 1048576.0, 1),
                peakRssMb = Math.Round(g.Max(p => p.PeakRssBytes) / 1048576.0, 1),
                median.Extra,
                median.DbRowsScanned,
                extras = g.Select(p => p.Extra).ToList(),
            };
        });
        var floor = summary["floor"].medianSeconds;
        var output = new
        {
            window = new { from, to, days },
            repetitions,
            phases = summary,
            contractOverFloor = floor > 0 ? Math.Round(summary["contract"].medianSeconds / floor, 2) : 0,
            jobOverFloor = summary.TryGetValue("job", out var j) && floor > 0 ? Math.Round(j.medianSeconds / floor, 2) : (double?)null,
            job = options.TryGetValue("job", out var jobType) ? $"{jobType.Split(',')[0].Split('.')[^1]}.{options.GetValueOrDefault("method", "RunAsync")}" : null,
            // Both phases must see the same attendance, or the comparison means nothing.
            sameAnswer = summary["floor"].Attended == summary["contract"].Attended && summary["floor"].Enrollments == summary["contract"].Enrollments,
        };
        Console.WriteLine(JsonSerializer.Serialize(output, Indented));
        return output.sameAnswer ? 0 : 3;
    }

    private sealed record Phase(string Name, double Seconds, long Enrollments, long RowsRead, long Attended, long AllocatedBytes, long PeakRssBytes, string? Extra, long? DbRowsScanned);

    private sealed record Outcome(long Enrollments, long RowsRead, long Attended, string? Extra = null);

    private static async Task<Phase> MeasureAsync(IServiceProvider services, string name, int repetition, Func<Task<Outcome>> run)
    {
        var scannedBefore = await DbRowsScannedAsync(services);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeakRss();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var outcome = await run();
        clock.Stop();
        var allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var peak = PeakRss();
        var scannedAfter = await DbRowsScannedAsync(services);
        var phase = new Phase(name, clock.Elapsed.TotalSeconds, outcome.Enrollments, outcome.RowsRead, outcome.Attended,
            allocatedBytes, peak, outcome.Extra, scannedAfter - scannedBefore);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drift-bench: {name,-8} #{repetition + 1}: {phase.Seconds,8:F3} s  {phase.Enrollments,8:N0} enrollments  {phase.RowsRead,10:N0} rows  db scanned {phase.DbRowsScanned?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"}  peak RSS {phase.PeakRssBytes / 1048576.0:F0} MB  {phase.Extra}"));
        return phase;
    }

    private static async Task<Outcome> FloorAsync(IServiceProvider services, DateTimeOffset from, DateTimeOffset to)
    {
        var db = services.GetRequiredService<IDbConnectionFactory>();
        await using var connection = await db.OpenAsync();
        long enrollments = 0, attended = 0, scanned = 0;
        foreach (var row in await connection.QueryAsync<FloorRow>(new CommandDefinition(FloorSql, new { From = from, To = to }, commandTimeout: 0)))
        {
            enrollments++;
            attended += row.Attended;
            scanned += row.Sessions;
        }
        // RowsRead for the floor: rows returned (one per enrollment); the joined rows it aggregated are in Extra.
        return new Outcome(enrollments, enrollments, attended, $"aggregated {scanned} booking/attendance rows in the database");
    }

    private static async Task<Outcome> ContractAsync(IServiceProvider services, DateTimeOffset from, DateTimeOffset to)
    {
        await using var scope = services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        // Who is active: Enrollment's keyset pages, as the drift job reads them.
        var active = new HashSet<Guid>();
        Guid? after = null;
        while (true)
        {
            var page = await mediator.Send(new GetActiveEnrollmentsQuery(null, after, 1000));
            active.UnionWith(page.Where(e => e.Status == EnrollmentStatus.Active).Select(e => e.EnrollmentId));
            if (page.Count < 1000)
            {
                break;
            }
            after = page[^1].EnrollmentId;
        }
        // Their attendance: Scheduling's one ordered pass over the window, folded per enrollment as it streams.
        long rows = 0, attended = 0;
        var seen = new HashSet<Guid>();
        await foreach (var item in await mediator.Send(new StreamAttendanceHistoryQuery(null, from, to)))
        {
            rows++;
            if (active.Contains(item.EnrollmentId))
            {
                seen.Add(item.EnrollmentId);
                attended += item.Status is { } s && Attended.Contains(s) ? 1 : 0;
            }
        }
        return new Outcome(seen.Count, rows, attended);
    }

    /// <summary>The real drift job, by name: its constructor is served from DI; the method may take a CancellationToken.</summary>
    private static async Task<Outcome> JobAsync(IServiceProvider services, string typeName, string methodName, string? countSql)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        await using var scope = services.CreateAsyncScope();
        var job = ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
        var method = FindMethod(type, methodName);
        // A parameter that is not the CancellationToken is the job's request (a MediatR handler's Handle(TRequest, ct)):
        // made with its parameterless constructor when it has one, null otherwise.
        var arguments = method.GetParameters().Select(p =>
            p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : p.ParameterType.IsValueType || p.ParameterType.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(p.ParameterType)
            : null).ToArray();
        long before = await CountAsync(services, countSql);
        object? result = null;
        if (method.Invoke(job, arguments) is Task task)
        {
            await task;
            result = task.GetType().GetProperty("Result")?.GetValue(task);
        }
        long after = await CountAsync(services, countSql);
        // A result that says how many enrollments it evaluated (the per-program scan's DriftScanResultDto) is reported.
        var evaluated = result?.GetType().GetProperty("EnrollmentsEvaluated")?.GetValue(result) is int n ? n : 0;
        return new Outcome(evaluated, 0, 0, countSql is null ? null : $"alerts raised: {after - before} (count after: {after})");
    }

    /// <summary><c>Name</c>, or <c>Name(ParameterTypeName)</c> to pick one overload (a handler of several requests).</summary>
    private static MethodInfo FindMethod(Type type, string spec)
    {
        var open = spec.IndexOf('(', StringComparison.Ordinal);
        var name = open < 0 ? spec : spec[..open];
        var parameter = open < 0 ? null : spec[(open + 1)..].TrimEnd(')');
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(m => m.Name == name && (parameter is null || m.GetParameters().FirstOrDefault()?.ParameterType.Name == parameter))
            .ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new MissingMethodException(type.FullName, spec),
            _ => throw new AmbiguousMatchException($"{type.FullName}.{spec} has {candidates.Count} overloads: pass Name(ParameterType)"),
        };
    }

    /// <summary>Rows the database read (PostgreSQL only; null elsewhere). Clearing the pool ends the backends, which
    /// flushes their statistics; reading them from a new backend then sees every row the phase scanned.</summary>
    private static async Task<long?> DbRowsScannedAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<IDbConnectionFactory>();
        await using (var probe = await db.OpenAsync())
        {
            if (probe is not Npgsql.NpgsqlConnection)
            {
                return null;
            }
        }
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Task.Delay(500);
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(seq_tup_read + COALESCE(idx_tup_fetch, 0)), 0)::bigint FROM pg_stat_user_tables");
    }

    private static async Task<long> CountAsync(IServiceProvider services, string? sql)
    {
        if (sql is null)
        {
            return 0;
        }
        await using var connection = await services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>Writing 5 to /proc/self/clear_refs resets VmHWM, so each phase reports its own peak.</summary>
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static long PeakRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return Environment.WorkingSet;
    }

    private sealed class FloorRow
    {
        public Guid EnrollmentId { get; init; }

        public long Sessions { get; init; }

        public long Attended { get; init; }

        public long Minutes { get; init; }
    }
}
