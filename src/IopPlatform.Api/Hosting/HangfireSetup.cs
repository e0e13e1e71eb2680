using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using IopPlatform.BuildingBlocks.Jobs;
using Microsoft.AspNetCore.Authentication;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Hangfire storage follows the engine (SQL Server, PostgreSQL; in-memory for SQLite, safe because every job re-derives
/// its work from the database). <c>Hangfire:ServerEnabled=false</c> makes an API-only instance.
/// </summary>
internal static class HangfireSetup
{
    private const string DashboardPath = "/hangfire";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static void AddHangfireJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection("Hangfire");
        var storageChoice = section.GetValue("Storage", "Auto");
        var engine = builder.Configuration.GetSection("Database").GetValue("Engine", DatabaseEngine.Sqlite);
        if (engine != DatabaseEngine.Sqlite && !string.Equals(storageChoice, "InMemory", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IOwnerSchemaInstaller>(sp => new HangfireSchemaInstaller(engine, sp.GetRequiredService<ILoggerFactory>()));
        }

        // Registered before AddHangfire so DI hands out this storage instead of the static JobStorage.Current.
        services.AddSingleton<JobStorage>(sp =>
        {
            var db = sp.GetRequiredService<DatabaseOptions>();
            if (string.Equals(storageChoice, "InMemory", StringComparison.OrdinalIgnoreCase) || db.Engine == DatabaseEngine.Sqlite)
            {
                return new InMemoryStorage(new InMemoryStorageOptions());
            }
            return db.Engine switch
            {
                // With a separate owner the migration step has installed the schema (HangfireSchemaInstaller).
                DatabaseEngine.Postgres => PostgresStorage(db.ConnectionString, prepareSchema: !db.HasSeparateOwner),
                DatabaseEngine.SqlServer => new SqlServerStorage(
                    db.ConnectionString,
                    new SqlServerStorageOptions { QueuePollInterval = PollInterval, PrepareSchemaIfNecessary = !db.HasSeparateOwner }),
                _ => throw new InvalidOperationException($"No Hangfire storage for {db.Engine}"),
            };
        });
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        services.AddScoped<MediatorJobBridge>();

        if (section.GetValue("ServerEnabled", true))
        {
            services.AddHangfireServer((sp, options) =>
            {
                options.SchedulePollingInterval = PollInterval;
                options.WorkerCount = section.GetValue("WorkerCount", Math.Max(2, Environment.ProcessorCount * 2));
                options.ServerName = $"iop-{Environment.MachineName}-{Environment.ProcessId}";
            });
        }
    }

    private static PostgreSqlStorage PostgresStorage(string connectionString, bool prepareSchema)
    {
        var options = new PostgreSqlStorageOptions { QueuePollInterval = PollInterval, PrepareSchemaIfNecessary = prepareSchema, SchemaName = HangfireSchemaInstaller.PostgresSchema };
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, options, null), options);
    }

    public static void UseHangfireJobs(this WebApplication app)
    {
        var manager = app.Services.GetRequiredService<IRecurringJobManager>();
        foreach (var job in app.Services.GetServices<RecurringJobDefinition>())
        {
            job.Register(manager);
        }
        // The dashboard is middleware, not an endpoint, so endpoint authorization never sees it: check here, with the
        // API's own schemes, so callers get the same 401/403 ProblemDetails as everywhere else.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(DashboardPath, StringComparison.OrdinalIgnoreCase), branch => branch.Use(RequireAdminAsync));
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new DashboardAccessFilter()],
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());
    }

    private static async Task RequireAdminAsync(HttpContext context, RequestDelegate next)
    {
        var result = await context.AuthenticateAsync(AuthSchemes.Default);
        if (!result.Succeeded)
        {
            await context.ChallengeAsync(AuthSchemes.Default);
            return;
        }
        if (!result.Principal.IsInRole(Roles.Admin))
        {
            await context.ForbidAsync(AuthSchemes.Default);
            return;
        }
        context.User = result.Principal;
        await next(context);
    }

    /// <summary>Second line behind <see cref="RequireAdminAsync"/>: Hangfire itself also admits admins only.</summary>
    private sealed class DashboardAccessFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            return http.User.Identity?.IsAuthenticated == true && http.User.IsInRole(Roles.Admin);
        }
    }
}
