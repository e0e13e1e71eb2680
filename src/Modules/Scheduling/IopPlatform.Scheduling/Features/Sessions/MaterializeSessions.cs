using IopPlatform.Scheduling.Features.Groups;
using Microsoft.Extensions.Logging;

namespace IopPlatform.Scheduling.Features.Sessions;

/// <summary>Recurring job <c>scheduling:materialize-sessions</c>: extends every group's sessions to the rolling horizon.</summary>
internal sealed record MaterializeSessionsCommand : IRequest<Unit>;

internal sealed class MaterializeSessionsHandler(
    IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, SchedulingOptions options, ILogger<MaterializeSessionsHandler> logger)
    : IRequestHandler<MaterializeSessionsCommand, Unit>
{
    // Groups whose recurrence may still produce dates: no rule, or a rule without an end or ending in the future.
    private const string Groups = """
        SELECT DISTINCT g.id FROM scheduling_group g JOIN scheduling_group_recurrence r ON r.group_id = g.id
        WHERE r.valid_until IS NULL OR r.valid_until >= @Today
        """;

    public async Task<Unit> Handle(MaterializeSessionsCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        // A day's slack covers sites ahead of UTC; MaterializeAsync works in each site's own local date.
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(Groups, new { Today = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1) }, cancellationToken: cancellationToken));
        var created = 0;
        foreach (var id in ids)
        {
            // One transaction per group: a failure in one group does not hold back the others.
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            created += await GroupStore.MaterializeAsync(connection, tx, dialect, id, now, options.HorizonWeeks, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        logger.LogInformation("Materialised {Count} sessions", created);
        return Unit.Value;
    }
}
