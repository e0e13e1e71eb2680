using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Jobs;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Hangfire storage follows the engine (SQL Server, PostgreSQL; in-memory for SQLite, safe because every job re-derives
/// its work from the database). <c>Hangfire:ServerEnabled=false</c> makes an API-only instance.
/// </summary>
internal static class HangfireSetup
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static void AddHangfireJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection("Hangfire");
        var storageChoice = section.GetValue("Storage", "Auto");

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
                DatabaseEngine.Postgres => PostgresStorage(db.ConnectionString),
                DatabaseEngine.SqlServer => new SqlServerStorage(
                    db.ConnectionString,
                    new SqlServerStorageOptions { QueuePollInterval = PollInterval, PrepareSchemaIfNecessary = true }),
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

    private static PostgreSqlStorage PostgresStorage(string connectionString)
    {
        var options = new PostgreSqlStorageOptions { QueuePollInterval = PollInterval, PrepareSchemaIfNecessary = true };
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, options, null), options);
    }

    public static void UseHangfireJobs(this WebApplication app)
    {
        var manager = app.Services.GetRequiredService<IRecurringJobManager>();
        foreach (var job in app.Services.GetServices<RecurringJobDefinition>())
        {
            job.Register(manager);
        }
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new DashboardAccessFilter()],
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());
    }

    /// <summary>The dashboard answers to the same authentication as the API: admins only.</summary>
    private sealed class DashboardAccessFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            return http.User.Identity?.IsAuthenticated == true && http.User.IsInRole("admin");
        }
    }
}
