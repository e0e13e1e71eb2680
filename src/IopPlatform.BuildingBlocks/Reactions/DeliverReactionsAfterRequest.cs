namespace IopPlatform.BuildingBlocks.Reactions;

/// <summary>
/// The fast path: when the outermost request of a scope has completed (its transactions committed), the reactions it
/// enqueued are delivered at once, so a caller sees the booking its admission caused. A failure here is logged and
/// left to <c>platform:deliver-reactions</c>: the request's own change is committed and answers 2xx.
/// </summary>
internal sealed class DeliverReactionsAfterRequest<TRequest, TResponse>(
    ReactionOutbox outbox, ReactionDelivery delivery, ReactionOptions options, ILogger<ReactionOutbox> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        outbox.Depth++;
        TResponse response;
        try
        {
            response = await next().ConfigureAwait(false);
        }
        finally
        {
            outbox.Depth--;
        }
        if (outbox.Depth > 0)
        {
            return response;
        }
        var enqueued = outbox.TakeEnqueued();
        if (!options.DeliverInline)
        {
            return response;
        }
        foreach (var id in enqueued)
        {
            try
            {
                await delivery.DeliverAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Reaction {ReactionId} not delivered inline; platform:deliver-reactions will", id);
            }
        }
        return response;
    }
}
