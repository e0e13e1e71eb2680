namespace IopPlatform.Api.Hosting;

internal static class DatabaseSetup
{
    public static void AddDatabase(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Database");
        var options = new DatabaseOptions
        {
            Engine = section.GetValue("Engine", DatabaseEngine.Sqlite),
            ConnectionString = builder.Configuration.GetConnectionString("Iop") ?? string.Empty,
            OwnerConnectionString = section.GetValue("OwnerConnectionString", string.Empty) ?? string.Empty,
            MigrateOnStart = section.GetValue<bool?>("MigrateOnStart") ?? (builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing")),
        };
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (options.Engine != DatabaseEngine.Sqlite)
            {
                throw new InvalidOperationException($"ConnectionStrings:Iop is required for Database:Engine={options.Engine}.");
            }
            // Zero set-up default: a file in a data folder next to the app.
            var file = Path.Combine(AppContext.BaseDirectory, "data", "iop.db");
            options.ConnectionString = $"Data Source={file};Cache=Shared;Pooling=True";
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IDbConnectionFactory, DbConnectionFactory>();
        builder.Services.AddSingleton(ISqlDialect.For(options.Engine));
        builder.Services.AddSingleton<DatabaseMigrator>();
    }
}
