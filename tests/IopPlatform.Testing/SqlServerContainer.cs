using Testcontainers.MsSql;

namespace IopPlatform.Testing;

/// <summary>One SQL Server container per test process, started only when Docker answers.</summary>
internal static class SqlServerContainer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static MsSqlContainer? _container;
    private static bool _probed;

    public static async Task<string?> TryStartAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (!_probed)
            {
                _probed = true;
                try
                {
                    var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
                    await container.StartAsync();
                    _container = container;
                }
                catch (Exception ex) when (ex is DotNet.Testcontainers.Builders.DockerUnavailableException or InvalidOperationException or ArgumentException)
                {
                    _container = null;
                }
            }
            return _container?.GetConnectionString();
        }
        finally
        {
            Gate.Release();
        }
    }
}
