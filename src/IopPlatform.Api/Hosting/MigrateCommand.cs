namespace IopPlatform.Api.Hosting;

/// <summary><c>--migrate</c>: the deployment's migration step. Applies every module's migrations, then the steps that need them.</summary>
internal static class MigrateCommand
{
    public const string Argument = "--migrate";

    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        services.GetRequiredService<DatabaseMigrator>().MigrateAll();
        foreach (var step in services.GetServices<IHostedService>().OfType<IAfterMigrationStep>())
        {
            await step.RunAfterMigrationAsync(cancellationToken);
        }
    }
}
