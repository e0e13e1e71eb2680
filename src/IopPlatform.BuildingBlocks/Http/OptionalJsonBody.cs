namespace IopPlatform.BuildingBlocks.Http;

/// <summary>
/// For endpoints whose body is optional (state transitions): read after the If-Match check, so 428/412 answer first.
/// No body → null; a body that is not JSON → 415; malformed JSON → 400. Never an exception the caller did not cause.
/// </summary>
public static class OptionalJsonBody
{
    public static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is not > 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return null;
        }
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Send the body as application/json.", StatusCodes.Status415UnsupportedMediaType);
        }
        try
        {
            var body = await request.ReadFromJsonAsync<T>(ct).ConfigureAwait(false);
            NullCollectionItems.ThrowIfAny(body);
            return body;
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException($"The body is not valid JSON for this request: {ex.Message}", StatusCodes.Status400BadRequest, ex);
        }
    }
}
