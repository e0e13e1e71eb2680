using System.Data.Common;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using MediatR;
using Microsoft.AspNetCore.Http;

namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>
/// The SQL of "a consent in force": signed, not revoked, not past its expiry date or event, naming the partner or
/// covering treatment/payment/operations when that is the purpose, and covering the information category. The
/// disclosure check and the partner list filter both use this one definition.
/// </summary>
internal static class ConsentSql
{
    public static readonly IReadOnlySet<string> TpoPurposes = new HashSet<string>(StringComparer.Ordinal) { "treatment", "payment", "operations" };

    public static string InForce(string patientExpression, bool purposeIsTpo) => $"""
        FROM enrollment_consent c
        WHERE c.patient_id = {patientExpression}
          AND c.revoked_at IS NULL
          AND c.signed_at <= @ConsentAt
          AND (c.expires_on IS NULL OR c.expires_on >= @ConsentToday)
          AND (c.expiry_event IS NULL
               OR EXISTS (SELECT 1 FROM enrollment_enrollment oe WHERE oe.patient_id = c.patient_id AND oe.status IN ('referred', 'screened', 'active', 'on_hold'))
               OR NOT EXISTS (SELECT 1 FROM enrollment_enrollment de WHERE de.patient_id = c.patient_id AND de.status = 'discharged'))
          AND EXISTS (SELECT 1 FROM enrollment_consent_category cc WHERE cc.consent_id = c.id AND cc.category = @ConsentCategory)
          AND (EXISTS (SELECT 1 FROM enrollment_consent_recipient r WHERE r.consent_id = c.id AND r.api_client_id = @ConsentClientId)
               {(purposeIsTpo ? "OR c.treatment_payment_operations = @ConsentYes" : string.Empty)})
        """;

    public static void AddParameters(DynamicParameters parameters, Guid apiClientId, string category, DateTimeOffset at)
    {
        parameters.Add("ConsentAt", at);
        parameters.Add("ConsentToday", DateOnly.FromDateTime(at.UtcDateTime));
        parameters.Add("ConsentCategory", category);
        parameters.Add("ConsentClientId", apiClientId);
        parameters.Add("ConsentYes", true);
    }

    public static bool IsTpo(string? purpose) => TpoPurposes.Contains(purpose ?? HttpCurrentCaller.DefaultPurpose);
}

internal sealed class CheckDisclosureConsentHandler(IDbConnectionFactory db) : IRequestHandler<CheckDisclosureConsentQuery, DisclosureDecision>
{
    public async Task<DisclosureDecision> Handle(CheckDisclosureConsentQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await CheckAsync(connection, null, request, cancellationToken);
    }

    public static async Task<DisclosureDecision> CheckAsync(DbConnection connection, DbTransaction? transaction, CheckDisclosureConsentQuery request, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        parameters.Add("PatientId", request.PatientId);
        ConsentSql.AddParameters(parameters, request.ApiClientId, request.Category, request.At);
        var sql = $"SELECT c.id {ConsentSql.InForce("@PatientId", ConsentSql.IsTpo(request.Purpose))} ORDER BY c.signed_at, c.id";
        var ids = (await connection.QueryAsync<Guid>(new CommandDefinition(sql, parameters, transaction, cancellationToken: ct))).AsList();
        return ids.Count == 0 ? new DisclosureDecision(false, null) : new DisclosureDecision(true, ids[0]);
    }
}

/// <summary>Set when the current response carries a patient's data to a partner: the response gets the §2.32 notice.</summary>
internal sealed class DisclosureLog
{
    public bool Disclosed { get; private set; }

    public void Mark() => Disclosed = true;
}

/// <summary>
/// Partner callers (API clients) see a patient only under a consent in force. A patient they may not see is answered
/// exactly like one that does not exist (404), so a partner cannot probe which patients are in treatment (Part 2).
/// Every allowed read is recorded for the accounting of disclosures (§2.25).
/// </summary>
internal sealed class PartnerAccess(ICurrentCaller caller, TimeProvider clock, DisclosureLog log)
{
    public bool IsPartner => caller.IsExternalRecipient();

    public Guid PartnerId => caller.ApiClientId ?? throw new ForbiddenException("This partner credential carries no API client id.");

    /// <summary>Throws the same 404 as a missing patient unless the partner may receive this category; records the disclosure.</summary>
    public async Task EnsureDisclosedAsync(DbConnection connection, Guid patientId, string category, CancellationToken ct)
    {
        if (!IsPartner)
        {
            return;
        }
        var at = clock.GetUtcNow();
        var decision = await CheckDisclosureConsentHandler.CheckAsync(connection, null, new CheckDisclosureConsentQuery(patientId, PartnerId, category, at, caller.Purpose), ct);
        if (!decision.Allowed)
        {
            throw new NotFoundException("Patient", patientId);
        }
        await RecordDisclosureHandler.WriteAsync(
            connection, new RecordDisclosureCommand(patientId, PartnerId, decision.ConsentId!.Value, category, caller.Purpose, at), ct);
        log.Mark();
    }

    /// <summary>A WHERE condition keeping only patients the partner may receive <paramref name="category"/> of.</summary>
    public string ConsentedPatientsFilter(string patientColumn, DynamicParameters parameters, string category)
    {
        ConsentSql.AddParameters(parameters, PartnerId, category, clock.GetUtcNow());
        return $"EXISTS (SELECT 1 {ConsentSql.InForce(patientColumn, ConsentSql.IsTpo(caller.Purpose))})";
    }
}

/// <summary>Adds the §2.32 redisclosure notice to any response that disclosed a patient's records to a partner.</summary>
internal sealed class RedisclosureNoticeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        if (context.HttpContext.RequestServices.GetService(typeof(DisclosureLog)) is DisclosureLog { Disclosed: true })
        {
            context.HttpContext.Response.Headers[RedisclosureNotice.Header] = RedisclosureNotice.Text;
        }
        return result;
    }
}
