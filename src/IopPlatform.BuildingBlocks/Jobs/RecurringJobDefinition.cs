using Hangfire;

namespace IopPlatform.BuildingBlocks.Jobs;

/// <summary>A module's recurring job: an id prefixed by the module (<c>scheduling:flag-missed-sessions</c>) and a cron.</summary>
public abstract record RecurringJobDefinition(string Id, string Cron)
{
    public abstract void Register(IRecurringJobManager manager);

    /// <summary>
    /// Runs the job once now, in its own DI scope, through the same bridge Hangfire uses (for host tooling such as the
    /// demo seeder, which must run module jobs without knowing their internal request types).
    /// </summary>
    public abstract Task RunNowAsync(IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>Defines a recurring job that sends a fresh <typeparamref name="TRequest"/> through the bridge.</summary>
    public static RecurringJobDefinition For<TRequest>(string id, string cron)
        where TRequest : IRequest<Unit>, new() => new Typed<TRequest>(id, cron);

    private sealed record Typed<TRequest>(string Id, string Cron) : RecurringJobDefinition(Id, Cron)
        where TRequest : IRequest<Unit>, new()
    {
        public override void Register(IRecurringJobManager manager) =>
            manager.AddOrUpdate<MediatorJobBridge>(
                Id,
                bridge => bridge.RunAsync(Id, new TRequest(), CancellationToken.None),
                Cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });

        public override async Task RunNowAsync(IServiceProvider services, CancellationToken cancellationToken)
        {
            await using var scope = services.CreateAsyncScope();
            var bridge = new MediatorJobBridge(scope.ServiceProvider.GetRequiredService<IMediator>());
            await bridge.RunAsync(Id, new TRequest(), cancellationToken).ConfigureAwait(false);
        }
    }
}
