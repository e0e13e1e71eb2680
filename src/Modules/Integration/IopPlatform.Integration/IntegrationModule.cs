using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Integration.Features.ApiClients;
using IopPlatform.Integration.Features.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Integration;

/// <summary>The Integration module's registration and endpoints; the host calls only these two methods.</summary>
public static class IntegrationModule
{
    public const string Tag = "Integration";

    public const string DispatchOutboxJobId = "integration:dispatch-outbox";

    public static ModuleDescriptor AddIntegrationModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, "API key", null);
        services.AddHostedService<BootstrapAdminApiClient>();
        var webhooks = configuration.GetSection("Integration:Webhooks").Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(webhooks);
        services.AddSingleton(configuration.GetSection("Integration:Email").Get<EmailOptions>() ?? new EmailOptions());
        services.AddSingleton<IEmailSender, SmtpEmailSender>();
        WebhookTargetPolicy.ValidateAllowList(webhooks.AllowedPrivateTargets);
        services.AddSingleton<IWebhookHostResolver, DnsWebhookHostResolver>();
        services.AddSingleton<WebhookTargetPolicy>();
        services.AddScoped<WebhookConsentGate>();
        services.AddScoped<WebhookAttempt>();
        // Payload schemas of webhook events are in the OpenAPI document although no endpoint returns them.
        services.AddSingleton(new OpenApiComponentSchemas(WebhookEventCatalogue.All
            .ToDictionary(e => ListWebhookEventTypesHandler.ComponentName(e.Type), e => e.Schema.ToJsonString(), StringComparer.Ordinal)));
        // Deliveries go to partner URLs: never follow redirects to somewhere the partner did not register, and connect
        // only to addresses the target policy accepted. No proxy: through one, the policy would judge the proxy's address.
        services.AddHttpClient(DispatchOutboxHandler.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp => new System.Net.Http.SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = sp.GetRequiredService<WebhookTargetPolicy>().ConnectAsync,
        });
        services.AddSingleton(RecurringJobDefinition.For<DispatchOutboxCommand>(DispatchOutboxJobId, webhooks.DispatchCron));
        return new ModuleDescriptor("integration", typeof(IntegrationModule).Assembly, MigrationOrder: 0);
    }

    public static IEndpointRouteBuilder MapIntegrationModule(this IEndpointRouteBuilder api)
    {
        // Managing partner access is an administrator's job, whether a staff admin or an admin API key.
        var apiClients = api.MapGroup(string.Empty).WithTags(Tag).RequireRoles(Roles.Admin);
        CreateApiClientEndpoint.Map(apiClients);
        ListApiClientsEndpoint.Map(apiClients);
        GetApiClientEndpoint.Map(apiClients);
        RevokeApiClientEndpoint.Map(apiClients);
        SetTpoAgreementEndpoint.Map(apiClients);
        WebhookSubscriptionsEndpoint.Map(api.MapGroup(string.Empty).WithTags(Tag));
        var webhooks = api.MapGroup(string.Empty).WithTags(Tag);
        ListWebhookDeliveriesEndpoint.Map(webhooks);
        GetWebhookDeliveryEndpoint.Map(webhooks);
        RedeliverWebhookEndpoint.Map(webhooks);
        RedeliverFailedWebhooksEndpoint.Map(webhooks);
        SendTestWebhookEndpoint.Map(webhooks);
        ListWebhookEventTypesEndpoint.Map(webhooks);
        return api;
    }
}
