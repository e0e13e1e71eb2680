namespace IopPlatform.Api.Hosting;

/// <summary>
/// Describes query parameters that carry no XML documentation, by their name (the platform uses each name with one
/// meaning everywhere), and types CSV responses as text: a <c>text/csv</c> body is the CSV, never the JSON schema.
/// </summary>
internal sealed class OpenApiDescriptions : IOperationFilter
{
    private static readonly Dictionary<string, string> ByName = new(StringComparer.Ordinal)
    {
        ["limit"] = $"Page size: at most this many items (1–{Cursor.MaxLimit}, default {Cursor.DefaultLimit}).",
        ["cursor"] = "Opaque cursor from the previous page's nextCursor; leave out for the first page.",
        ["from"] = "First date included (local date, yyyy-mm-dd); open when left out.",
        ["to"] = "Last date included (local date, yyyy-mm-dd); open when left out.",
        ["programId"] = "Only items of this program.",
        ["siteId"] = "Only items of this site.",
        ["patientId"] = "Only items of this patient.",
        ["enrollmentId"] = "Only items of this enrollment.",
        ["actorId"] = "Only events by this actor (a token's subject or an API client's id).",
        ["authorId"] = "Only notes by this author (the token subject of the clinician).",
        ["status"] = "Only items in this status.",
        ["severity"] = "Only alerts of this severity.",
        ["rule"] = "Only alerts raised by this rule of the drift rule pack.",
        ["year"] = "ISO week-numbering year of the week.",
        ["week"] = "ISO week number (1–53) within the year.",
        ["name"] = "Part of the patient's given or family name (case-insensitive).",
        ["dateOfBirth"] = "The patient's date of birth (yyyy-mm-dd).",
        ["identifier"] = "An identifier of the patient: the MRN or an external id.",
        ["instrument"] = "Only results of this instrument (e.g. phq9, gad7).",
        ["dueOnly"] = "true: only enrollments with a measure due now.",
        ["stuckOnly"] = "true: only reactions that failed and wait for an operator.",
        ["eventType"] = "Only deliveries of this event type (e.g. enrollment.status_changed).",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.In == ParameterLocation.Query && string.IsNullOrWhiteSpace(parameter.Description) && ByName.TryGetValue(parameter.Name ?? "", out var description))
            {
                parameter.Description = description;
            }
        }
        foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
        {
            if (response.Content?.TryGetValue("text/csv", out var csv) == true && csv is OpenApiMediaType media)
            {
                media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV (RFC 4180) with a header row.", MaxLength = 10_000_000 };
            }
        }
    }
}
