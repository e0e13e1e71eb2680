using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Integration.Features.ApiClients;
using IopPlatform.Integration.Features.SmartBackend;
using IopPlatform.Integration.Features.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Integration;

/// <summary>The Integration module's registration and endpoints; the host calls only these two methods.</summary>
public static class IntegrationModule
{
    public const string Tag = "Integration";

    public const string DispatchOutboxJobId = "integration:dispatch-outbox";

    /// <summary>The <c>iss</c> of the SMART access tokens <c>POST /connect/token</c> issues; the host routes bearer tokens with it to <see cref="AuthSchemes.SmartBearer"/>.</summary>
    public const string SmartTokenIssuer = "urn:iop-platform:smart";

    public static ModuleDescriptor AddIntegrationModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, "API key", null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, SmartTokenAuthenticationHandler>(AuthSchemes.SmartBearer, "SMART access token", null);
        services.AddSingleton(configuration.GetSection("Integration:Smart").Get<SmartOptions>() ?? new SmartOptions());
        services.AddSingleton<SmartAccessTokens>();
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
        SetApiClientJwksEndpoint.Map(apiClients);
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

    /// <summary>SMART Backend Services at the root (not under /api/v1): <c>POST /connect/token</c> and <c>GET /.well-known/smart-configuration</c>.</summary>
    public static IEndpointRouteBuilder MapSmartBackendServices(this IEndpointRouteBuilder app)
    {
        RequestSmartTokenEndpoint.Map(app);
        SmartConfigurationEndpoint.Map(app);
        return app;
    }

    /// <summary>
    /// The SMART discovery document again under a FHIR base URL (<c>{fhirBase}/.well-known/smart-configuration</c>), where
    /// SMART clients look for it; the FHIR area maps it on its own route group.
    /// </summary>
    public static IEndpointRouteBuilder MapSmartConfiguration(this IEndpointRouteBuilder fhirBase)
    {
        SmartConfigurationEndpoint.Map(fhirBase);
        return fhirBase;
    }

    /// <summary>Between authentication and authorization: a SMART access token only reads (403 on any write).</summary>
    public static IApplicationBuilder UseSmartReadOnlyTokens(this IApplicationBuilder app) => app.Use(SmartReadOnlyTokens.Enforce);
}
