namespace IopPlatform.Api.Hosting;

/// <summary>
/// States who may call each operation, from the same authorization policy the middleware evaluates for its endpoint:
/// an <c>x-required-roles</c> extension (the roles any one of which is enough) and a sentence in the description.
/// </summary>
internal sealed class OpenApiRequiredRoles(IAuthorizationPolicyProvider policies) : IOperationFilter
{
    public const string Extension = "x-required-roles";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }
        var roles = AllowedRoles(metadata);
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[Extension] = new JsonNodeExtension(new JsonArray([.. roles.Select(r => JsonValue.Create(r))]));
        var sentence = $"Roles: {string.Join(", ", roles)}.";
        operation.Description = string.IsNullOrWhiteSpace(operation.Description) ? sentence : $"{operation.Description.TrimEnd()}\n\n{sentence}";
    }

    /// <summary>The roles the endpoint's combined policy allows; every role when it only requires an authenticated caller.</summary>
    public IReadOnlyList<string> AllowedRoles(IEnumerable<object> metadata)
    {
        // The default policy provider answers synchronously; the middleware combines the same metadata the same way.
        var policy = AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>())
            .GetAwaiter().GetResult();
        return (policy is null ? null : RoleProblemResponses.AllowedRoles(policy.Requirements)) ?? Roles.All;
    }
}
