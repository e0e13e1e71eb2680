using IopPlatform.Api.Hosting;
using IopPlatform.BuildingBlocks.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddIopPlatform();

var app = builder.Build();

if (args.Contains("--migrate", StringComparer.Ordinal))
{
    // Production runs migrations as a separate deployment step, then exits.
    app.Services.GetRequiredService<DatabaseMigrator>().MigrateAll();
    app.Logger.LogInformation("Database migrated.");
    return;
}

app.UseIopPlatform();
await app.RunAsync();

/// <summary>The API host; public so tests can start it in-process.</summary>
public partial class Program;
