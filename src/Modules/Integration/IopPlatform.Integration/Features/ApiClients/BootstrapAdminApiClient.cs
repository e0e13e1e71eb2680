using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>
/// A fresh installation has no way to create its first API client, so at start, when no active admin API client
/// exists, one is made: with the key from <c>Auth:BootstrapAdminKey</c> when set (for scripted deployments), otherwise
/// with a generated key printed once to the console. Runs at host start, after the host's migrations.
/// </summary>
internal sealed class BootstrapAdminApiClient(
    IDbConnectionFactory db,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<BootstrapAdminApiClient> logger) : IHostedService, IAfterMigrationStep
{
    public const string ConfigurationKey = "Auth:BootstrapAdminKey";
    public const string ClientName = "Bootstrap admin";
    public const string CreatedBy = "system";

    private const string ActiveRoles = "SELECT roles FROM integration_api_client WHERE revoked_at IS NULL";
    private const string HashExists = "SELECT COUNT(*) FROM integration_api_client WHERE key_hash = @KeyHash";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuredKey = configuration[ConfigurationKey];
        if (!string.IsNullOrEmpty(configuredKey) && (configuredKey.Trim().Length < ApiKeys.MinimumLength || configuredKey.Length > ApiKeys.MaximumLength))
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} must be {ApiKeys.MinimumLength} to {ApiKeys.MaximumLength} characters of random text (e.g. 'iop_' + 32 random bytes in base64url).");
        }
        try
        {
            await EnsureAdminClientAsync(configuredKey?.Trim(), cancellationToken);
        }
        catch (DbException ex)
        {
            // An API instance may start before the deployment's migration step; it bootstraps on a later start.
            logger.LogError(ex, "Could not check for a bootstrap admin API client; are the migrations applied?");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>--migrate bootstraps too: an API that started before the migration step finds the client without a restart.</summary>
    public Task RunAfterMigrationAsync(CancellationToken cancellationToken) => StartAsync(cancellationToken);

    private async Task EnsureAdminClientAsync(string? configuredKey, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var active = await connection.QueryAsync<string>(new CommandDefinition(ActiveRoles, cancellationToken: ct));
        if (active.Any(roles => ApiKeys.SplitRoles(roles).Contains(Roles.Admin, StringComparer.Ordinal)))
        {
            return;
        }

        var key = configuredKey ?? ApiKeys.Generate();
        if (configuredKey is not null
            && await connection.ExecuteScalarAsync<long>(new CommandDefinition(HashExists, new { KeyHash = ApiKeys.Hash(key) }, cancellationToken: ct)) > 0)
        {
            // Only reachable when that key was revoked: a revoked key must never come back to life.
            logger.LogWarning("{Setting} names a revoked API key; no bootstrap admin client was created. Set a new key.", ConfigurationKey);
            return;
        }

        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(
            ApiClientRow.Insert, ApiClientRow.NewClient(id, ClientName, [Roles.Admin], ApiClientKinds.InternalSystem, null, key, clock.GetUtcNow(), CreatedBy), cancellationToken: ct));
        if (configuredKey is null)
        {
            // The console, not the log: log sinks are shipped and kept, and the key must not be.
            Console.WriteLine($"Bootstrap admin API key (shown once, store it now): {key}");
            logger.LogWarning("Bootstrap admin API client {ApiClientId} created; its key is shown once above on the console", id);
        }
        else
        {
            logger.LogInformation("Bootstrap admin API client {ApiClientId} created with the key from {Setting}", id, ConfigurationKey);
        }
    }
}
