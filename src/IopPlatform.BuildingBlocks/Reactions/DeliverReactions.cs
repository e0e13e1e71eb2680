namespace IopPlatform.BuildingBlocks.Reactions;

/// <summary>Recurring job <c>platform:deliver-reactions</c>: delivers due reactions, then purges old delivered ones.</summary>
public sealed record DeliverReactions : IRequest<Unit>;

internal sealed class DeliverReactionsHandler(ReactionDelivery delivery, ILogger<DeliverReactionsHandler> logger) : IRequestHandler<DeliverReactions, Unit>
{
    public async Task<Unit> Handle(DeliverReactions request, CancellationToken cancellationToken)
    {
        var completed = await delivery.DeliverDueAsync(cancellationToken).ConfigureAwait(false);
        if (completed > 0)
        {
            logger.LogInformation("Delivered {Count} reactions", completed);
        }
        await delivery.PurgeAsync(cancellationToken).ConfigureAwait(false);
        return Unit.Value;
    }
}
