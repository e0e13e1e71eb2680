using Microsoft.AspNetCore.Mvc;

namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>
/// Under <c>/fhir</c> every error the platform raises (validation, 401, 403, 404, 429, the exception handler) is written
/// as an OperationOutcome instead of ProblemDetails: FHIR clients read only that. Registered ahead of the JSON problem
/// writer, it accepts only FHIR paths.
/// </summary>
internal sealed class FhirOutcomeWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.HttpContext.Request.Path.StartsWithSegments(FhirCodeSystems.BasePath, StringComparison.OrdinalIgnoreCase);
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        return new ValueTask(new FhirResult(Outcome(status, problem), status).ExecuteAsync(context.HttpContext));
    }

    public static OperationOutcome Outcome(int status, ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var outcome = new OperationOutcome { Id = Guid.CreateVersion7().ToString() };
        var code = IssueCode(status);
        if (problem is ValidationProblemDetails { Errors.Count: > 0 } validation)
        {
            foreach (var (field, messages) in validation.Errors.Take(20))
            {
                outcome.Issue.Add(Issue(code, problem.Title, string.Join(" ", messages.Take(3)), field));
            }
        }
        else
        {
            outcome.Issue.Add(Issue(code, problem.Title, problem.Detail ?? problem.Title, null));
        }
        return outcome;
    }

    private static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueType code, string? title, string? diagnostics, string? field)
    {
        var issue = new OperationOutcome.IssueComponent
        {
            Severity = code == OperationOutcome.IssueType.Exception ? OperationOutcome.IssueSeverity.Fatal : OperationOutcome.IssueSeverity.Error,
            Code = code,
            Details = title is null ? null : new CodeableConcept { Text = title },
            Diagnostics = Clip(diagnostics),
        };
        if (field is not null)
        {
            issue.Expression = [field];
        }
        return issue;
    }

    private static OperationOutcome.IssueType IssueCode(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => OperationOutcome.IssueType.Login,
        StatusCodes.Status403Forbidden => OperationOutcome.IssueType.Forbidden,
        StatusCodes.Status404NotFound => OperationOutcome.IssueType.NotFound,
        StatusCodes.Status405MethodNotAllowed or StatusCodes.Status406NotAcceptable or StatusCodes.Status415UnsupportedMediaType => OperationOutcome.IssueType.NotSupported,
        StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed => OperationOutcome.IssueType.Conflict,
        StatusCodes.Status413PayloadTooLarge => OperationOutcome.IssueType.TooLong,
        StatusCodes.Status429TooManyRequests => OperationOutcome.IssueType.Throttled,
        >= 500 => OperationOutcome.IssueType.Exception,
        _ => OperationOutcome.IssueType.Invalid,
    };

    private static string? Clip(string? text) => text is { Length: > 1000 } ? text[..1000] : text;
}
