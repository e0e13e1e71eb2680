namespace IopPlatform.BuildingBlocks.Data;

/// <summary>
/// Start-up work that needs the migrated schema (e.g. the bootstrap admin API client). A hosted service that implements
/// it runs at host start as usual, and also right after <c>--migrate</c>, so an API started before the migration step
/// does not need a restart to get it.
/// </summary>
public interface IAfterMigrationStep
{
    Task RunAfterMigrationAsync(CancellationToken cancellationToken);
}
