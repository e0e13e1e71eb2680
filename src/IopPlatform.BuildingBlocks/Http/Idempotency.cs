using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>
/// <c>Idempotency-Key</c> on creating POSTs. The header is optional: without it the request runs as usual. With it the
/// first response is stored for at least 24 hours per caller and key and replayed byte for byte (status, Location,
/// ETag, Content-Type, body) with <c>Idempotency-Replayed: true</c>. The same key with another body or path is 422;
/// while the first request still runs it is 409 (retry shortly). A request that ends in an error (an exception, or any
/// 5xx) has changed nothing, so its key is released and a retry runs afresh.
/// </summary>
public static class Idempotency
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>The response headers a replay repeats; the rest are per-response (Date, traceparent).</summary>
    private static readonly string[] ReplayedHeaders = ["Location", "ETag", "Content-Type"];

    /// <summary>Makes this creating endpoint honour <c>Idempotency-Key</c>.</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder
            .WithMetadata(new IdempotentEndpointMetadata())
            .AddEndpointFilter(static (context, next) => InvokeAsync(context, next))
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>1–255 printable ASCII characters, not only spaces (UUIDs are the usual choice).</summary>
    public static bool IsValidKey(string? key) =>
        !string.IsNullOrWhiteSpace(key) && key.Length <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~');

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var values = http.Request.Headers[KeyHeader];
        if (values.Count == 0)
        {
            return await next(context).ConfigureAwait(false);
        }
        var key = values.Count == 1 ? values[0] : null;
        if (!IsValidKey(key))
        {
            throw new InvalidIdempotencyKeyException();
        }

        var services = http.RequestServices;
        var store = services.GetRequiredService<IdempotencyStore>();
        var caller = services.GetRequiredService<ICurrentCaller>();
        var callerId = IdempotencyStore.CallerKey(caller.ActorType, caller.ActorId);
        var path = http.Request.Path.Value + http.Request.QueryString.Value;
        var hash = RequestHash(context, services);

        var existing = await store.BeginAsync(callerId, key!, http.Request.Method, path, hash, http.RequestAborted).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.RequestHash != hash || existing.Method != http.Request.Method || existing.Path != path)
            {
                throw new UnprocessableException(
                    "This Idempotency-Key was already used for a different request; use a new key for a new request.");
            }
            if (existing.StatusCode is null)
            {
                throw new ConflictException("A request with this Idempotency-Key is still being processed; retry shortly.");
            }
            await ReplayAsync(http, existing).ConfigureAwait(false);
            return Results.Empty;
        }

        (int Status, string Headers, byte[] Body) response;
        try
        {
            var result = await next(context).ConfigureAwait(false);
            response = await RenderAsync(http, result).ConfigureAwait(false);
        }
        catch
        {
            await store.ReleaseAsync(callerId, key!).ConfigureAwait(false);
            throw;
        }
        if (response.Status >= 500)
        {
            await store.ReleaseAsync(callerId, key!).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await store.CompleteAsync(callerId, key!, response.Status, response.Headers, response.Body).ConfigureAwait(false);
            }
            catch
            {
                // Better a retry that runs again than a key stuck "in flight" for its whole retention.
                await store.ReleaseAsync(callerId, key!).ConfigureAwait(false);
                throw;
            }
        }
        await http.Response.Body.WriteAsync(response.Body, http.RequestAborted).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>
    /// SHA-256 of the bound JSON body as the API understands it (re-serialised), so whitespace or member order do not
    /// make a retry "different".
    /// </summary>
    private static string RequestHash(EndpointFilterInvocationContext context, IServiceProvider services)
    {
        var bodyType = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var body = bodyType is null ? null : context.Arguments.FirstOrDefault(a => a is not null && bodyType.IsInstanceOfType(a));
        if (body is null)
        {
            return IdempotencyStore.Hash([]);
        }
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return IdempotencyStore.Hash(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), json));
    }

    /// <summary>Runs the endpoint's result into memory so it can be stored before the client sees it.</summary>
    private static async Task<(int Status, string Headers, byte[] Body)> RenderAsync(HttpContext http, object? result)
    {
        var asResult = result switch
        {
            IResult r => r,
            null => Results.Empty,
            string s => Results.Text(s),
            _ => Results.Json(result),
        };
        var original = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await asResult.ExecuteAsync(http).ConfigureAwait(false);
            await http.Response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            http.Features.Set(original);
        }
        var headers = ReplayedHeaders
            .Where(h => http.Response.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => http.Response.Headers[h].ToString(), StringComparer.OrdinalIgnoreCase);
        return (http.Response.StatusCode, JsonSerializer.Serialize(headers), buffer.ToArray());
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord record)
    {
        http.Response.StatusCode = record.StatusCode!.Value;
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(record.ResponseHeaders ?? "{}") ?? [];
        foreach (var (name, value) in headers)
        {
            http.Response.Headers[name] = value;
        }
        http.Response.Headers[ReplayedHeader] = "true";
        var body = record.ResponseBody ?? [];
        if (body.Length > 0)
        {
            await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
        }
    }
}

/// <summary>Marks an endpoint that honours <c>Idempotency-Key</c> (for API docs and tests).</summary>
public sealed class IdempotentEndpointMetadata;

public sealed class InvalidIdempotencyKeyException()
    : ApiException(400, "Invalid Idempotency-Key", $"{Idempotency.KeyHeader} must be 1 to {Idempotency.MaxKeyLength} printable ASCII characters, e.g. a UUID.");
