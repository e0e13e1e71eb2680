namespace IopPlatform.BuildingBlocks.Data;

/// <summary>
/// Schema the migration step creates besides the modules' scripts (Hangfire's tables): installed with the owner's
/// connection after the migrations and before <see cref="AppRoleGrants"/>, so the app's role never needs to create
/// anything.
/// </summary>
public interface IOwnerSchemaInstaller
{
    /// <summary>The database schema the installer's tables live in; the app's role is granted read and write on it.</summary>
    string Schema { get; }

    void Install(DatabaseOptions options);
}
