using IopPlatform.Api.Hosting;
using IopPlatform.Api.Hosting.DemoSeed;
using IopPlatform.BuildingBlocks.Data;

if (args.Contains(DemoSeedCommand.Argument, StringComparer.Ordinal))
{
    // Fills the configured database with a synthetic program through the API, then exits (see README).
    return await DemoSeedCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddIopPlatform();

var app = builder.Build();

if (args.Contains("--migrate", StringComparer.Ordinal))
{
    // Production runs migrations as a separate deployment step, then exits.
    app.Services.GetRequiredService<DatabaseMigrator>().MigrateAll();
    app.Logger.LogInformation("Database migrated.");
    return 0;
}

app.UseIopPlatform();
await app.RunAsync();
return 0;

/// <summary>The API host; public so tests can start it in-process.</summary>
public partial class Program;
