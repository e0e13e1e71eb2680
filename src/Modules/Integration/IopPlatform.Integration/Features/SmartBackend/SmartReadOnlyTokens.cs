using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Integration.Features.SmartBackend;

/// <summary>
/// A SMART token carries read scopes only, so it reads: any request it authenticates with a method other than GET or
/// HEAD (or a FHIR search by POST to <c>…/_search</c>) is answered 403 before an endpoint runs, whatever the client's
/// roles would allow with its API key.
/// </summary>
internal static class SmartReadOnlyTokens
{
    public static async Task Enforce(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: AuthSchemes.SmartBearer }
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !(HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Value?.EndsWith("/_search", StringComparison.Ordinal) == true))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Forbidden",
                    Detail = "A SMART access token grants reads only (its scopes are read scopes); write with the client's API key.",
                },
            });
            return;
        }
        await next(context);
    }
}
