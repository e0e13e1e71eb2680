using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using IopPlatform.BuildingBlocks.Jobs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Api.Hosting.DemoSeed;

/// <summary>
/// <c>seed-demo [--seed N] [--patients N] [--weeks N]</c>: starts the real host on a loopback port with a clock the
/// seeder can walk forward from N weeks ago, signs itself a short-lived admin token with a key made for this run only,
/// and drives the REST API with <see cref="DemoSeeder"/>. The database is the configured one (default SQLite).
/// </summary>
internal static class DemoSeedCommand
{
    public const string Argument = "seed-demo";

    private const string Issuer = "iop-seed-demo";
    private const string Audience = "iop-platform";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new DemoSeedOptions(
            Seed: Option(args, "--seed", 42),
            Patients: Option(args, "--patients", 60),
            Weeks: Option(args, "--weeks", 10));
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var builder = WebApplication.CreateBuilder(args.Where(a => a != Argument).ToArray());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // Only this process trusts this key, and only while it runs.
            ["Auth:Jwt:Authority"] = string.Empty,
            ["Auth:Jwt:SigningKey"] = signingKey,
            ["Auth:Jwt:Issuer"] = Issuer,
            ["Auth:Jwt:Audience"] = Audience,
            ["Database:MigrateOnStart"] = "true",
            // The seeder runs the jobs itself on the demo clock; a Hangfire server would run them on its own.
            ["Hangfire:ServerEnabled"] = "false",
            ["Hangfire:Storage"] = "InMemory",
            ["RateLimiting:Enabled"] = "false",
        });
        builder.AddIopPlatform();
        // Where the API will answer once started normally (launch settings or ASPNETCORE_URLS), for the summary.
        var publicUrl = (builder.Configuration["urls"] ?? "http://localhost:5080").Split(';')[0].TrimEnd('/');
        // A day of slack keeps the last demo day wholly in the past of the real clock.
        var clock = new DemoClock(TimeProvider.System.GetUtcNow().AddDays(-(options.Weeks * 7) - 2));
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        await using var app = builder.Build();
        app.UseIopPlatform();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"Demo seed: API started on {address} ({app.Configuration["Database:Engine"] ?? "Sqlite"}).");

        HttpClient NewClient() => new() { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        using var admin = NewClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken(signingKey));
        var jobs = app.Services.GetServices<RecurringJobDefinition>().ToDictionary(j => j.Id, StringComparer.Ordinal);
        var host = new DemoSeedHost(admin, NewClient, clock, clock.MoveTo, (id, ct) => jobs[id].RunNowAsync(app.Services, ct), Console.Out);
        var summary = await new DemoSeeder(host, options).RunAsync(app.Lifetime.ApplicationStopping);
        await app.StopAsync();

        Print(summary, publicUrl);
        return 0;
    }

    private static void Print(DemoSeedSummary s, string url)
    {
        Console.WriteLine();
        Console.WriteLine("Demo program ready.");
        Console.WriteLine($"  sites {s.Sites}, programs {s.Programs}, groups {s.Groups}, patients {s.Patients} ({string.Join(", ", s.Patterns.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key.ToString().ToLowerInvariant()}"))})");
        Console.WriteLine($"  enrollments: {s.ActiveEnrollments} active, {s.Discharged} discharged");
        Console.WriteLine($"  sessions with attendance {s.SessionsRecorded}, attendance records {s.AttendanceRecords} (plus no-shows marked by the missed-session job)");
        Console.WriteLine($"  drug tests {s.DrugTests}, measures {s.Measures} (PHQ-9, GAD-7, BAM), notes {s.Notes}, treatment plans {s.TreatmentPlans}");
        Console.WriteLine($"  open alerts by severity: {string.Join(", ", s.OpenAlertsBySeverity.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        Console.WriteLine($"  open alerts by rule: {string.Join(", ", s.OpenAlertsByRule.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        Console.WriteLine($"  programs: {string.Join(", ", s.ProgramIds)}");
        Console.WriteLine();
        Console.WriteLine($"Admin API key (shown once, store it now): {s.AdminApiKey}");
        Console.WriteLine($"Start the API (dotnet run --project src/IopPlatform.Api) and open {url}/swagger; authorise with X-Api-Key.");
        Console.WriteLine($"  curl -H \"X-Api-Key: <key>\" {url}/api/v1/case-managers/cm-ortiz/alerts");
    }

    private static string AdminToken(string signingKey)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(CallerClaims.Subject, "seed-demo"), new Claim(CallerClaims.Name, "Demo seeder"), new Claim(CallerClaims.Role, Roles.Admin)]),
            NotBefore = now.AddMinutes(-5),
            IssuedAt = now,
            Expires = now.AddHours(4),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
    }
}
