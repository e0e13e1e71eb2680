namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>
/// A SQL pre-filter for lists a partner reads (patient search): it keeps every patient a consent might allow and
/// may keep a few more (the expiry date is judged one day loosely, before the site's time zone is known). The
/// disclosure door then decides each patient exactly; this only keeps the page from being mostly refusals.
/// </summary>
internal static class ConsentSql
{
    public static string MaybeInForce(string patientExpression) => $"""
        EXISTS (SELECT 1 FROM enrollment_consent c
        WHERE c.patient_id = {patientExpression}
          AND c.revoked_at IS NULL
          AND c.ended_at IS NULL
          AND c.signed_at <= @ConsentAt
          AND (c.expires_on IS NULL OR c.expires_on >= @ConsentEarliestDay)
          AND EXISTS (SELECT 1 FROM enrollment_consent_category cc WHERE cc.consent_id = c.id AND cc.category = @ConsentCategory)
          AND (c.treatment_payment_operations = @ConsentYes
               OR EXISTS (SELECT 1 FROM enrollment_consent_recipient r WHERE r.consent_id = c.id AND r.api_client_id = @ConsentClientId)))
        """;

    public static void AddParameters(DynamicParameters parameters, Guid apiClientId, string category, DateTimeOffset at)
    {
        parameters.Add("ConsentAt", at);
        parameters.Add("ConsentEarliestDay", DateOnly.FromDateTime(at.UtcDateTime).AddDays(-1));
        parameters.Add("ConsentCategory", category);
        parameters.Add("ConsentClientId", apiClientId);
        parameters.Add("ConsentYes", true);
    }
}
