using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using IopPlatform.BuildingBlocks.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Limits that keep one client from hurting the others: a request body size cap (413) and a per-client rate limit
/// (429 with Retry-After). Health endpoints are never limited, so orchestrators can always probe.
/// </summary>
internal static class HttpProtectionSetup
{
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;
    public const int DefaultPermitsPerMinute = 600;

    public static void AddHttpProtection(this WebApplicationBuilder builder)
    {
        var maxBody = builder.Configuration.GetValue("Http:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = maxBody);
        builder.Services.AddSingleton(new RequestBodyLimit(maxBody));

        var section = builder.Configuration.GetSection("RateLimiting");
        var enabled = section.GetValue("Enabled", true);
        var permits = Math.Max(1, section.GetValue("PermitsPerMinute", DefaultPermitsPerMinute));
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !enabled || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                    ? RateLimitPartition.GetNoLimiter(string.Empty)
                    : RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = permits,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = WriteTooManyRequests;
        });
    }

    public static void UseRequestBodyLimit(this WebApplication app) => app.UseMiddleware<RequestBodyLimitMiddleware>();

    /// <summary>One budget per authenticated actor (staff subject or API client), else per remote address.</summary>
    private static string PartitionKey(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var client = user.FindFirstValue(CallerClaims.ApiClientId);
            if (!string.IsNullOrEmpty(client))
            {
                return "client:" + client;
            }
            var subject = user.FindFirstValue(CallerClaims.Subject) ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
            if (!string.IsNullOrEmpty(subject))
            {
                return "user:" + subject;
            }
        }
        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private static async ValueTask WriteTooManyRequests(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client has used its request budget for now; retry after {seconds} seconds.",
            },
        });
    }
}

internal sealed record RequestBodyLimit(long MaxBytes);

/// <summary>
/// Rejects a declared oversized body before anything reads it, and sets the server's own limit for bodies without a
/// Content-Length (Kestrel enforces that one; the in-process test server has no such feature, hence the check here).
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, RequestBodyLimit limit)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > limit.MaxBytes)
        {
            throw new BadHttpRequestException(
                $"The request body is larger than the limit of {limit.MaxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit.MaxBytes;
        }
        return next(context);
    }
}
