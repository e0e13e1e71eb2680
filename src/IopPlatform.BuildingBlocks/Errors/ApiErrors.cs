namespace IopPlatform.BuildingBlocks.Errors;

/// <summary>
/// An error the caller can act on. The ProblemDetails handler turns it into an RFC 9457 response with this status.
/// </summary>
public abstract class ApiException : Exception
{
    protected ApiException(int status, string title, string detail)
        : base(detail)
    {
        Status = status;
        Title = title;
    }

    public int Status { get; }

    public string Title { get; }

    /// <summary>Extra members for the problem body, e.g. the transitions that are allowed.</summary>
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();
}

public sealed class NotFoundException(string resource, object id)
    : ApiException(404, "Not found", $"{resource} '{id}' was not found.");

public sealed class ConflictException(string detail) : ApiException(409, "Conflict", detail);

public sealed class ForbiddenException(string detail) : ApiException(403, "Forbidden", detail);

public sealed class PreconditionFailedException(string detail)
    : ApiException(412, "Precondition failed", detail);

public sealed class PreconditionRequiredException(string detail)
    : ApiException(428, "Precondition required", detail);

public sealed class UnprocessableException(string detail) : ApiException(422, "Unprocessable request", detail);

/// <summary>A single-field input error found after validation (e.g. a cursor that does not decode).</summary>
public sealed class BadRequestException : ApiException
{
    public BadRequestException(string field, string message)
        : base(400, "One or more validation errors occurred.", message)
    {
        Field = field;
    }

    public string Field { get; }
}
