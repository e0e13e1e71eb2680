namespace IopPlatform.BuildingBlocks.Http;

/// <summary>The HTTP ETag is the row's integer <c>version</c>; updates must send it back in <c>If-Match</c>.</summary>
public static class ETag
{
    public static string Format(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void Set(HttpResponse response, int version) => response.Headers.ETag = Format(version);

    /// <summary>The version the caller last saw: 428 when missing, 412 when it cannot be a version of ours.</summary>
    public static int RequireIfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new PreconditionRequiredException("This change needs an If-Match header with the ETag from your last read of the resource.");
        }
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }
        value = value.Trim('"');
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new PreconditionFailedException($"If-Match '{header}' does not match the current ETag of the resource.");
        }
        return version;
    }
}

/// <summary>
/// Endpoint metadata for a create-or-replace: If-Match is left out to create and required (428) once the resource
/// exists, so the OpenAPI document declares the header as optional.
/// </summary>
public sealed class IfMatchWhenExistingMetadata;
