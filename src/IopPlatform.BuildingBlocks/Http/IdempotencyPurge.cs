using IopPlatform.BuildingBlocks.Jobs;
using Microsoft.Extensions.Configuration;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>Deletes idempotency records past their retention (recurring job <c>platform:purge-idempotency-keys</c>).</summary>
public sealed record PurgeIdempotencyKeys : IRequest<Unit>;

internal sealed class PurgeIdempotencyKeysHandler(IdempotencyStore store, ILogger<PurgeIdempotencyKeysHandler> logger)
    : IRequestHandler<PurgeIdempotencyKeys, Unit>
{
    public async Task<Unit> Handle(PurgeIdempotencyKeys request, CancellationToken cancellationToken)
    {
        var purged = await store.PurgeExpiredAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Purged {Count} expired idempotency records", purged);
        return Unit.Value;
    }
}

public static class IdempotencyServices
{
    public const string PurgeJobId = "platform:purge-idempotency-keys";

    /// <summary>
    /// The store behind <see cref="Idempotency.WithIdempotency"/> and its hourly purge. <c>Idempotency:RetentionHours</c>
    /// (default and minimum 24).
    /// </summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services, IConfiguration configuration)
    {
        var hours = configuration.GetValue("Idempotency:RetentionHours", IdempotencyOptions.MinimumRetention.TotalHours);
        var retention = TimeSpan.FromHours(Math.Max(hours, IdempotencyOptions.MinimumRetention.TotalHours));
        services.AddSingleton(new IdempotencyOptions { Retention = retention });
        services.AddScoped<IdempotencyStore>();
        services.AddSingleton(RecurringJobDefinition.For<PurgeIdempotencyKeys>(PurgeJobId, "17 * * * *"));
        return services;
    }
}
