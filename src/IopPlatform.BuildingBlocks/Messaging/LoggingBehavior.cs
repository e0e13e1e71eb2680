using IopPlatform.BuildingBlocks.Observability;

namespace IopPlatform.BuildingBlocks.Messaging;

/// <summary>Logs (and traces) the request type and duration only: request contents may hold patient data and are never logged.</summary>
public sealed class LoggingBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
{
    private readonly ILogger<LoggingBehavior<TRequest, TResponse>> _logger;

    public LoggingBehavior(ILogger<LoggingBehavior<TRequest, TResponse>> logger) => _logger = logger;

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = Telemetry.Source.StartActivity(typeof(TRequest).Name, ActivityKind.Internal);
        try
        {
            var response = await next().ConfigureAwait(false);
            _logger.LogDebug("Handled {Request} in {ElapsedMs} ms", typeof(TRequest).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            _logger.LogInformation("{Request} failed after {ElapsedMs} ms with {Error}", typeof(TRequest).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
            throw;
        }
    }
}
