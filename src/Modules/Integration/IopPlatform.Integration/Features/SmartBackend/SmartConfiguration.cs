namespace IopPlatform.Integration.Features.SmartBackend;

/// <summary>
/// <c>GET /.well-known/smart-configuration</c>: the SMART discovery document for backend services (anonymous, as the
/// SMART App Launch specification requires).
/// </summary>
internal static class SmartConfigurationEndpoint
{
    public const string Path = "/.well-known/smart-configuration";

    private static readonly string[] GrantTypes = [RequestSmartTokenHandler.ClientCredentials];
    private static readonly string[] AuthMethods = ["private_key_jwt"];
    private static readonly string[] Capabilities = ["client-confidential-asymmetric", "permission-v1", "permission-v2"];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(Path, (HttpRequest request, SmartOptions options) => Results.Json(new
            {
                token_endpoint = options.TokenEndpointFor(request),
                grant_types_supported = GrantTypes,
                token_endpoint_auth_methods_supported = AuthMethods,
                token_endpoint_auth_signing_alg_values_supported = ClientJwks.Algorithms,
                scopes_supported = SmartScopes.Supported,
                capabilities = Capabilities,
            }))
            .AllowAnonymous()
            .CarriesNoPatientData("The SMART discovery document: endpoints and capabilities of the server.")
            // Described by the SMART App Launch specification, not the OpenAPI document; unnamed, as it is mapped at the
            // root and again under the FHIR base.
            .ExcludeFromDescription();
}
