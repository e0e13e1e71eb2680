using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
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
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = maxBody;
            // "Server: Kestrel" tells an attacker what to try; nobody else needs it.
            o.AddServerHeader = false;
        });
        builder.Services.AddSingleton(new RequestBodyLimit(maxBody));

        // Browser apps of partners on other origins: none allowed unless configured (Cors:AllowedOrigins:0=https://...).
        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        builder.Services.AddCors(o => o.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders("ETag", "Location", "Retry-After", RateLimitHeadersMiddleware.LimitHeader, RateLimitHeadersMiddleware.RemainingHeader)));

        var section = builder.Configuration.GetSection("RateLimiting");
        var enabled = section.GetValue("Enabled", true);
        var permits = Math.Max(1, section.GetValue("PermitsPerMinute", DefaultPermitsPerMinute));
        var limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            !enabled || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        // Kept as a service too, so the headers middleware can read the caller's remaining budget.
        builder.Services.AddSingleton(new RateLimitBudget(limiter, enabled ? permits : null));
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = limiter;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = WriteTooManyRequests;
        });
    }

    /// <summary>
    /// Before authentication, so that every response (401s included) tells the caller its budget; the values are read
    /// when the response starts, after the limiter has counted this request.
    /// </summary>
    public static void UseRateLimitHeaders(this WebApplication app) => app.UseMiddleware<RateLimitHeadersMiddleware>();

    /// <summary>Before authentication, so a browser's preflight (which carries no credentials) is answered.</summary>
    public static void UseCrossOrigin(this WebApplication app) => app.UseCors();

    public static void UseRequestBodyLimit(this WebApplication app) => app.UseMiddleware<RequestBodyLimitMiddleware>();

    /// <summary>
    /// First in the pipeline, so errors carry them too: no MIME sniffing of any response, and no API response (patient
    /// data) kept by a browser or a shared cache. Set when the response starts, after the exception handler has
    /// cleared the headers of a failed response.
    /// </summary>
    public static void UseSecurityHeaders(this WebApplication app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }
            return Task.CompletedTask;
        });
        return next(context);
    });

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

/// <param name="Limiter">The global limiter the rate-limiting middleware uses.</param>
/// <param name="PermitsPerMinute">Null when rate limiting is switched off.</param>
internal sealed record RateLimitBudget(PartitionedRateLimiter<HttpContext> Limiter, int? PermitsPerMinute);

/// <summary>
/// Sends X-RateLimit-Limit and X-RateLimit-Remaining on API responses so well-behaved clients can pace themselves
/// instead of discovering the limit through 429s.
/// </summary>
internal sealed class RateLimitHeadersMiddleware(RequestDelegate next, RateLimitBudget budget)
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";

    public Task InvokeAsync(HttpContext context)
    {
        if (budget.PermitsPerMinute is { } permits && !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.OnStarting(() =>
            {
                var remaining = budget.Limiter.GetStatistics(context)?.CurrentAvailablePermits ?? permits;
                context.Response.Headers[LimitHeader] = permits.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers[RemainingHeader] = Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
        }
        return next(context);
    }
}

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
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.Charset.HasValue)
        {
            var charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(type.Charset).ToString();
            if (!KnownCharset(charset))
            {
                // The JSON body readers throw on an encoding they cannot load, which would surface as a 500.
                throw new BadHttpRequestException(
                    $"The Content-Type names the charset '{charset}', which this server does not know; send the body as application/json; charset=utf-8.",
                    StatusCodes.Status415UnsupportedMediaType);
            }
            if (charset.Length != type.Charset.Length)
            {
                // charset="utf-8" is valid (RFC 9110 §5.6.6), but the JSON readers look the quoted name up as it is and fail.
                type.Charset = charset;
                context.Request.ContentType = type.ToString();
            }
        }
        return next(context);
    }

    private static bool KnownCharset(string charset)
    {
        try
        {
            _ = System.Text.Encoding.GetEncoding(charset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
