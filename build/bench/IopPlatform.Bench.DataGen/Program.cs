using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IopPlatform.Bench.DataGen;

/// <summary>
/// Benchmark data generator (not product code).
///   generate   --engine postgres|sqlite --connection CS --enrollments N [--seed 42] [--out DIR]
///   reset-pool --engine postgres|sqlite --connection CS
///   token      --key SIGNING_KEY [--issuer iop-bench] [--audience iop-platform] [--role clinician] [--subject bench-clinician]
/// Run the API with --migrate on the database first: this tool only inserts rows.
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: generate|reset-pool|token [options]  (see build/bench/README.md)");
            return 2;
        }
        var options = Options.Parse(args.Skip(1));
        try
        {
            return args[0] switch
            {
                "generate" => await GenerateAsync(options),
                "reset-pool" => await ResetPoolAsync(options),
                "token" => Token(options),
                _ => Usage(args[0]),
            };
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"datagen: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine($"datagen: unknown command '{command}'");
        return 2;
    }

    private static async Task<IBulkWriter> OpenAsync(Options options) => options.Get("engine") switch
    {
        "postgres" => await PostgresWriter.OpenAsync(options.Get("connection")),
        "sqlite" => await SqliteWriter.OpenAsync(options.Get("connection")),
        var other => throw new ArgumentException($"--engine must be postgres or sqlite, not '{other}'"),
    };

    private static async Task<int> GenerateAsync(Options options)
    {
        var engine = options.Get("engine");
        var enrollments = int.Parse(options.Get("enrollments"), CultureInfo.InvariantCulture);
        var seed = int.Parse(options.Get("seed", "42"), CultureInfo.InvariantCulture);
        var outDir = options.Get("out", ".");
        Directory.CreateDirectory(outDir);
        var plan = new Plan(enrollments, seed, DateTimeOffset.UtcNow);
        var generator = new Generator(plan);
        await EnsureEmptyAsync(engine, options.Get("connection"));

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"datagen: {enrollments:N0} active enrollments, {plan.Groups:N0} groups, {plan.Sites} sites, seed {seed}, weeks from {plan.FirstMonday:yyyy-MM-dd} ({engine})"));
        var progress = new Progress(plan.PlannedRows());
        var counts = new Dictionary<string, long>();
        await using (var writer = await OpenAsync(options))
        {
            foreach (var (table, rows) in generator.Tables())
            {
                var started = progress.Elapsed;
                counts[table.Name] = await writer.WriteAsync(table, rows, progress);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {table.Name,-34} {counts[table.Name],12:N0} rows in {(progress.Elapsed - started).TotalSeconds,7:F1} s"));
            }
            progress.Print("done");
            var analyze = Stopwatch.StartNew();
            await writer.ExecuteAsync("ANALYZE");
            Console.Error.WriteLine($"  ANALYZE in {analyze.Elapsed.TotalSeconds:F1} s");
        }
        var seconds = progress.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"datagen: {progress.Rows:N0} rows in {seconds:F1} s ({progress.Rows / seconds:N0} rows/s)"));

        WriteTargets(plan, generator, outDir);
        var meta = new
        {
            engine,
            enrollments,
            seed,
            generatedAt = plan.Now,
            firstMonday = plan.FirstMonday,
            groups = plan.Groups,
            sites = plan.Sites,
            caseManagers = plan.CaseManagers,
            rows = counts,
            totalRows = progress.Rows,
            loadSeconds = Math.Round(seconds, 1),
        };
        await File.WriteAllTextAsync(Path.Combine(outDir, "datagen.json"), JsonSerializer.Serialize(meta, Indented));
        return 0;
    }

    private static async Task EnsureEmptyAsync(string engine, string connectionString)
    {
        const string Sql = "SELECT COUNT(*) FROM enrollment_patient";
        long rows;
        if (engine == "postgres")
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(Sql, connection);
            rows = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        else
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = Sql;
            rows = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        if (rows > 0)
        {
            throw new InvalidOperationException($"the database already holds {rows} patients: generate into a freshly migrated database");
        }
    }

    /// <summary>Ids the load scripts pick from: evenly spread samples, and every pool session with its roster.</summary>
    private static void WriteTargets(Plan plan, Generator generator, string outDir)
    {
        static IEnumerable<int> Spread(int total, int count) => Enumerable.Range(0, Math.Min(total, count)).Select(i => (int)((long)i * total / Math.Min(total, count)));

        File.WriteAllLines(Path.Combine(outDir, "patients.txt"), Spread(plan.Enrollments, 2000).Select(e => plan.Id(IdKind.Patient, e).ToString()));
        File.WriteAllLines(Path.Combine(outDir, "enrollments.txt"), Spread(plan.Enrollments, 2000).Select(e => plan.Id(IdKind.Enrollment, e).ToString()));
        File.WriteAllLines(Path.Combine(outDir, "case_managers.txt"), Spread(plan.CaseManagers, 500).Select(Generator.CaseManagerId));
        var pool = new List<string>();
        for (var k = Plan.RegularSessions; k < Plan.SessionsPerGroup && pool.Count < 50_000; k++)
        {
            for (var g = 0; g < plan.Groups && pool.Count < 50_000; g++)
            {
                if (plan.SessionInstants(g, k).Starts >= plan.Now)
                {
                    continue;
                }
                var roster = Enumerable.Range(g * Plan.GroupSize, Math.Min(Plan.GroupSize, plan.Enrollments - (g * Plan.GroupSize)))
                    .Select(e => plan.Id(IdKind.Enrollment, e).ToString());
                pool.Add($"{generator.SessionId(g, k)} {string.Join(',', roster)}");
            }
        }
        File.WriteAllLines(Path.Combine(outDir, "pool.txt"), pool);
    }

    /// <summary>Removes the attendance the load test recorded into the pool sessions, so a run can start again.</summary>
    private static async Task<int> ResetPoolAsync(Options options)
    {
        const string Pool = "SELECT id FROM scheduling_session WHERE status_reason = '" + Plan.PoolMarker + "'";
        await using var writer = await OpenAsync(options);
        await writer.ExecuteAsync($"DELETE FROM scheduling_attendance_history WHERE attendance_id IN (SELECT id FROM scheduling_attendance WHERE session_id IN ({Pool}))");
        await writer.ExecuteAsync($"DELETE FROM scheduling_attendance WHERE session_id IN ({Pool})");
        await writer.ExecuteAsync($"DELETE FROM scheduling_attendance_not_taken WHERE session_id IN ({Pool})");
        Console.Error.WriteLine("datagen: pool sessions reset (their attendance removed)");
        return 0;
    }

    /// <summary>An HS256 staff token for an API configured with the same symmetric key (development/bench only).</summary>
    private static int Token(Options options)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT" }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = options.Get("subject", "bench-clinician"),
            ["name"] = "Bench Clinician",
            ["role"] = options.Get("role", "clinician"),
            ["iss"] = options.Get("issuer", "iop-bench"),
            ["aud"] = options.Get("audience", "iop-platform"),
            ["nbf"] = now - 300,
            ["iat"] = now,
            ["exp"] = now + 6 * 3600,
        }));
        var signature = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Get("key")), Encoding.ASCII.GetBytes(header + "." + payload)));
        Console.WriteLine($"{header}.{payload}.{signature}");
        return 0;
    }
}

internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                options._values[name] = "true";
            }
            else if (name is not null)
            {
                options._values[name] = arg;
                name = null;
            }
        }
        return options;
    }

    public string Get(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");
}
