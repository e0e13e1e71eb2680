using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>
/// Records every <see cref="IAuditedRequest"/> after its handler ran, whether it succeeded, was refused or failed:
/// one entry per patient touched (or one without a patient). Other requests pass straight through.
/// </summary>
public sealed class AuditBehavior<TRequest, TResponse>(
    AuditTrailWriter writer,
    IAuditScope scope,
    ICurrentCaller caller,
    IHttpContextAccessor http,
    TimeProvider clock) : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (request is not IAuditedRequest audited)
        {
            return await next().ConfigureAwait(false);
        }
        try
        {
            var response = await next().ConfigureAwait(false);
            Record(audited, AuditOutcomes.Success, StatusCodes.Status200OK);
            return response;
        }
        catch (Exception ex)
        {
            var (outcome, status) = Classify(ex, cancellationToken);
            Record(audited, outcome, status);
            throw;
        }
    }

    internal static (string Outcome, int Status) Classify(Exception ex, CancellationToken ct) => ex switch
    {
        ApiException { Status: StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden } api => (AuditOutcomes.Denied, api.Status),
        ApiException api => (AuditOutcomes.Failed, api.Status),
        ValidationException => (AuditOutcomes.Failed, StatusCodes.Status400BadRequest),
        UnauthorizedAccessException => (AuditOutcomes.Denied, StatusCodes.Status403Forbidden),
        OperationCanceledException when ct.IsCancellationRequested => (AuditOutcomes.Failed, StatusCodes.Status499ClientClosedRequest),
        _ => (AuditOutcomes.Failed, StatusCodes.Status500InternalServerError),
    };

    private void Record(IAuditedRequest request, string outcome, int status)
    {
        var context = http.HttpContext;
        var occurredAt = AuditHash.Truncate(clock.GetUtcNow());
        var template = Resource(context);
        var resourceId = scope.ResourceId ?? context?.GetRouteValue("id")?.ToString();
        var breakGlass = scope.BreakGlassReason;
        var roles = string.Join(',', caller.Roles.Order(StringComparer.Ordinal));
        var traceId = Activity.Current?.TraceId.ToHexString() ?? context?.TraceIdentifier;

        var others = scope.Patients.Where(p => p != request.AuditPatientId).Select(p => (Guid?)p);
        IEnumerable<Guid?> patients = request.AuditPatientId is { } known ? others.Prepend(known) : others;
        var any = false;
        foreach (var patient in patients)
        {
            any = true;
            Enqueue(patient);
        }
        if (!any)
        {
            Enqueue(null);
        }

        void Enqueue(Guid? patient) =>
            writer.Enqueue(new AuditEvent
            {
                Id = Guid.CreateVersion7(occurredAt),
                OccurredAt = occurredAt,
                ActorId = Clip(caller.ActorId, 200),
                ActorType = Clip(caller.ActorType, 32),
                ActorName = ClipOrNull(caller.ActorName, 200),
                Roles = Clip(roles, 400),
                PatientId = patient,
                DataCategory = Clip(request.AuditCategory, 64),
                Action = Clip(request.AuditAction, 64),
                Resource = Clip(template ?? typeof(TRequest).Name, 400),
                ResourceId = ClipOrNull(resourceId, 200),
                Outcome = outcome,
                StatusCode = status,
                ClientAddress = ClipOrNull(caller.ClientAddress, 64),
                Purpose = Clip(caller.Purpose, 64),
                BreakGlass = breakGlass is not null,
                BreakGlassReason = ClipOrNull(breakGlass, 1000),
                TraceId = ClipOrNull(traceId, 64),
            });
    }

    private static string? Resource(HttpContext? context)
    {
        if (context?.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return null;
        }
        // Built once per route and method, not per audited request.
        return AuditResources.For(endpoint, context.Request.Method);
    }

    // Column widths are the same on every engine; an over-long value must never make the batch insert fail.
    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];

    private static string? ClipOrNull(string? value, int max) => value is null ? null : Clip(value, max);
}

/// <summary>The audit trail's resource text of a route ("GET /api/v1/patients/{patientId:guid}"), built once per route and method.</summary>
internal static class AuditResources
{
    private static readonly ConditionalWeakTable<RouteEndpoint, ConcurrentDictionary<string, string>> Cache = new();

    public static string For(RouteEndpoint endpoint, string method) =>
        Cache.GetValue(endpoint, static _ => new ConcurrentDictionary<string, string>(StringComparer.Ordinal))
            .GetOrAdd(method, static (m, e) => $"{m} /{(e.RoutePattern.RawText ?? string.Empty).Trim('/')}", endpoint);
}
