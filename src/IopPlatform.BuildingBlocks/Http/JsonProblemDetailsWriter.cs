using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>
/// Writes every ProblemDetails as <c>application/problem+json</c>, whatever the caller's Accept header says: the
/// framework's writer declines for <c>Accept: application/xml</c>, which left a bodiless error (or a 500 from the
/// exception handler). An API that only speaks JSON answers errors in JSON.
/// </summary>
public sealed class JsonProblemDetailsWriter(IOptions<ProblemDetailsOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var response = context.HttpContext.Response;
        problem.Status ??= response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        ProblemEcho.Cap(problem);
        return new ValueTask(response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json"));
    }
}

/// <summary>
/// Error bodies quote what the caller sent (an invalid value in a message, a binder's "from 'xxx…'"): a body of 10,000
/// invalid items must not come back as 10,000 errors, nor a 100 kB value as a 100 kB detail. Capped here, where every
/// ProblemDetails is written.
/// </summary>
public static class ProblemEcho
{
    public const int MaxTextLength = 300;
    public const int MaxMessagesPerField = 3;
    public const int MaxErrors = 20;

    public static void Cap(Microsoft.AspNetCore.Mvc.ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.Detail = Shorten(problem.Detail);
        problem.Title = Shorten(problem.Title);
        if (problem is not Microsoft.AspNetCore.Mvc.ValidationProblemDetails validation)
        {
            return;
        }
        var errors = validation.Errors;
        if (errors.Count > MaxErrors)
        {
            foreach (var key in errors.Keys.Skip(MaxErrors).ToList())
            {
                errors.Remove(key);
            }
            problem.Extensions["moreErrorsOmitted"] = true;
        }
        foreach (var key in errors.Keys.ToList())
        {
            var messages = errors[key];
            errors[key] = messages.Take(MaxMessagesPerField).Select(m => Shorten(m)!).ToArray();
        }
        var longKeys = errors.Keys.Where(k => k.Length > 200).ToList();
        foreach (var key in longKeys)
        {
            var messages = errors[key];
            errors.Remove(key);
            errors[key[..200] + "…"] = messages;
        }
    }

    private static string? Shorten(string? text) => text is { Length: > MaxTextLength } ? string.Concat(text.AsSpan(0, MaxTextLength), "… (shortened)") : text;
}
