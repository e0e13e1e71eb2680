using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>The one place where exceptions become RFC 9457 ProblemDetails. Internals never leave a 500.</summary>
public sealed class ProblemDetailsExceptionHandler : IExceptionHandler
{
    private readonly IProblemDetailsService _problems;
    private readonly ILogger<ProblemDetailsExceptionHandler> _logger;

    public ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    {
        _problems = problems;
        _logger = logger;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException v => Validation(v),
            BadRequestException b => new ValidationProblemDetails(new Dictionary<string, string[]> { [CamelPath(b.Field)] = [b.Message] })
            {
                Status = 400,
                Title = b.Title,
            },
            ApiException api => WithExtensions(new ProblemDetails { Status = api.Status, Title = api.Title, Detail = api.Message }, api),
            BadHttpRequestException bad => BadRequest(bad),
            JsonException json => new ProblemDetails { Status = 400, Title = "Malformed JSON", Detail = JsonDetail(json) },
            // PostgreSQL text cannot hold U+0000; the statement failed, so nothing changed.
            Npgsql.PostgresException { SqlState: "22021" } => new ProblemDetails { Status = 400, Title = "Bad request", Detail = "Text must not contain the NUL character (U+0000)." },
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                new ProblemDetails { Status = 499, Title = "Client closed request" },
            _ => null,
        };
        if (problem is null)
        {
            if (IopPlatform.BuildingBlocks.Data.DatabaseErrors.IsNotMigrated(exception))
            {
                _logger.LogError(exception, "Database not migrated");
                problem = new ProblemDetails { Status = 503, Title = "Service unavailable", Detail = "The database is not migrated yet; the deployment's migration step (--migrate) must run first. Retry later." };
                httpContext.Response.Headers.RetryAfter = "30";
            }
            else if (TransientDatabase.IsUnavailable(exception))
            {
                _logger.LogWarning(exception, "Database unavailable");
                problem = new ProblemDetails { Status = 503, Title = "Service unavailable", Detail = "The database is not reachable; retry later." };
                httpContext.Response.Headers.RetryAfter = "5";
            }
            else
            {
                _logger.LogError(exception, "Unhandled error");
                problem = new ProblemDetails { Status = 500, Title = "An unexpected error occurred." };
            }
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await _problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }

    /// <summary>Adds the trace id that OpenTelemetry records, so a caller's report leads to the trace.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? context.HttpContext.TraceIdentifier;
        problem.Type ??= problem.Status switch
        {
            >= 400 and < 600 => $"https://httpstatuses.io/{problem.Status}",
            _ => null,
        };
        problem.Instance ??= context.HttpContext.Request.Path;
    }

    private static ValidationProblemDetails Validation(ValidationException exception)
    {
        var errors = exception.Errors
            .GroupBy(e => CamelPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return new ValidationProblemDetails(errors) { Status = 400, Title = "One or more validation errors occurred." };
    }

    private static ProblemDetails BadRequest(BadHttpRequestException exception)
    {
        var status = exception.StatusCode;
        var title = status switch
        {
            413 => "Request body too large",
            415 => "Unsupported media type",
            _ => "Bad request",
        };
        // Kestrel and the endpoint binder speak of our parameter names, never of data: safe to return.
        var detail = exception.InnerException is JsonException json ? JsonDetail(json) : exception.Message;
        return new ProblemDetails { Status = status, Title = title, Detail = detail };
    }

    /// <summary>A JsonException's message names internal types: only where in the body reading failed is passed on.</summary>
    private static string JsonDetail(JsonException json) =>
        $"The body does not fit this request{(string.IsNullOrEmpty(json.Path) ? "" : $" at '{json.Path}'")}: malformed JSON, a value of the wrong type, or a member the request does not have.";

    private static ProblemDetails WithExtensions(ProblemDetails problem, ApiException exception)
    {
        foreach (var (key, value) in exception.Extensions)
        {
            problem.Extensions[key] = value;
        }
        return problem;
    }

    /// <summary><c>Items[0].StartTime</c> → <c>items[0].startTime</c>, matching the JSON the caller sent.</summary>
    public static string CamelPath(string path) =>
        string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
