using System.ComponentModel;
using Hangfire;
using IopPlatform.BuildingBlocks.Observability;

namespace IopPlatform.BuildingBlocks.Jobs;

/// <summary>
/// The one bridge between Hangfire and the modules: a job is a MediatR request, so it goes through the same
/// validation and logging pipeline as an HTTP call. Hangfire's activator gives each job its own DI scope.
/// </summary>
public sealed class MediatorJobBridge
{
    private readonly IMediator _mediator;

    public MediatorJobBridge(IMediator mediator) => _mediator = mediator;

    [DisplayName("{0}")]
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync<TRequest>(string jobName, TRequest request, CancellationToken cancellationToken)
        where TRequest : IRequest<Unit>
    {
        ArgumentException.ThrowIfNullOrEmpty(jobName);
        // A job has no incoming HTTP span: this is the root of its trace.
        using var activity = Telemetry.Source.StartActivity($"job {jobName}", ActivityKind.Internal);
        activity?.SetTag("iop.job.id", jobName);
        try
        {
            await _mediator.Send(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }
}
