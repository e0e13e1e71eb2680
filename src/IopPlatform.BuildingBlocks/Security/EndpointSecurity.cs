using Microsoft.AspNetCore.Authorization;

namespace IopPlatform.BuildingBlocks.Security;

public static class EndpointSecurity
{
    /// <summary>
    /// Allows only callers holding one of <paramref name="roles"/>. Authentication itself is required everywhere by
    /// the host's fallback policy; this narrows who may call.
    /// </summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizeAttribute { Roles = string.Join(',', roles) });
}
