using IopPlatform.Api.Hosting;
using IopPlatform.Api.Hosting.DemoSeed;

if (args.Contains(DemoSeedCommand.Argument, StringComparer.Ordinal))
{
    // Fills the configured database with a synthetic program through the API, then exits (see README).
    return await DemoSeedCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
AppFolderSettings.Apply(builder, AppContext.BaseDirectory);
builder.AddIopPlatform();

var app = builder.Build();

if (args.Contains(MigrateCommand.Argument, StringComparer.Ordinal))
{
    // Production runs migrations as a separate deployment step, then exits.
    await MigrateCommand.RunAsync(app.Services, CancellationToken.None);
    app.Logger.LogInformation("Database migrated.");
    return 0;
}

app.UseIopPlatform();
await app.RunAsync();
return 0;

/// <summary>The API host; public so tests can start it in-process.</summary>
public partial class Program;
