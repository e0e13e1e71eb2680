using IopPlatform.BuildingBlocks.Jobs;
using Microsoft.Extensions.Configuration;

namespace IopPlatform.BuildingBlocks.Reactions;

public static class ReactionRegistration
{
    public const string DeliverJobId = "platform:deliver-reactions";

    /// <summary>
    /// The reaction outbox, its delivery job, the stuck-reaction health check (tag <c>ready</c>) and the pipeline
    /// behaviour of the fast path. Pass <c>typeof(DeliverReactionsAfterRequest&lt;,&gt;)</c> to AddIopMediator through
    /// <see cref="FastPathBehaviour"/>.
    /// </summary>
    public static IServiceCollection AddReactions(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Reactions").Get<ReactionOptions>() ?? new ReactionOptions();
        services.AddSingleton(options);
        services.AddScoped<ReactionOutbox>();
        services.AddScoped<IReactionOutbox>(sp => sp.GetRequiredService<ReactionOutbox>());
        services.AddScoped<ReactionDelivery>();
        services.AddSingleton(RecurringJobDefinition.For<DeliverReactions>(DeliverJobId, options.DeliverCron));
        services.AddHealthChecks().AddCheck<StuckReactionsCheck>("reactions", tags: ["ready"]);
        return services;
    }

    /// <summary>The pipeline behaviour that delivers a request's reactions once it has completed.</summary>
    public static Type FastPathBehaviour => typeof(DeliverReactionsAfterRequest<,>);
}
