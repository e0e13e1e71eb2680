using System.Text;
using System.Text.Json;
using IopPlatform.Integration.Contracts;

namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>One consent as the door judges it.</summary>
internal sealed class ConsentTerms
{
    public Guid Id { get; init; }

    public bool TreatmentPaymentOperations { get; init; }

    public string Purpose { get; init; } = string.Empty;

    public DateOnly? ExpiresOn { get; init; }

    public string? ExpiryEvent { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public DateTimeOffset SignedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public List<string> Categories { get; } = [];

    public List<Guid> Recipients { get; } = [];
}

/// <summary>The recipient as the rules see it.</summary>
/// <param name="ApiClientId">The API client.</param>
/// <param name="TpoRecipient">An admin recorded the agreement that makes it a TPO recipient (§2.33(a)(2)), and its key is active.</param>
/// <param name="PurposeOfUse">What it declared; null for an event pushed to it.</param>
internal sealed record Recipient(Guid ApiClientId, bool TpoRecipient, string? PurposeOfUse);

/// <summary>The rules of "a consent in force for this disclosure", without storage, so they can be read and tested alone.</summary>
internal static class ConsentRules
{
    /// <summary>In force at <paramref name="at"/>, judged on the site's calendar (<paramref name="siteToday"/>).</summary>
    public static bool InForce(ConsentTerms consent, DateTimeOffset at, DateOnly siteToday) =>
        consent.SignedAt <= at
        && (consent.RevokedAt is null || consent.RevokedAt > at)
        && (consent.EndedAt is null || consent.EndedAt > at)
        && (consent.ExpiresOn is null || consent.ExpiresOn >= siteToday);

    /// <summary>
    /// Covers the recipient: named on the form, or a TPO consent to a recipient an admin recorded as a Part 2 program,
    /// covered entity or business associate, asking for treatment, payment or operations (an event pushed to it is
    /// judged by the consent's own purpose).
    /// </summary>
    public static bool Covers(ConsentTerms consent, Recipient recipient, string category) =>
        consent.Categories.Contains(category, StringComparer.Ordinal)
        && (consent.Recipients.Contains(recipient.ApiClientId)
            || (consent.TreatmentPaymentOperations && recipient.TpoRecipient
                && (recipient.PurposeOfUse is null || PurposesOfUse.Tpo.Contains(recipient.PurposeOfUse))));

    /// <summary>§2.32(b): a clear explanation of the consent's scope, short enough for one header line (ASCII only).</summary>
    public static string Scope(ConsentTerms consent)
    {
        var recipients = consent.TreatmentPaymentOperations
            ? consent.Recipients.Count > 0 ? "named partner apps and treatment/payment/operations recipients" : "treatment/payment/operations recipients"
            : "named partner apps";
        var until = consent.ExpiresOn is { } date ? $"until {date:yyyy-MM-dd}" : "until the end of treatment";
        var text = $"consent {consent.Id}; information: {string.Join(", ", consent.Categories.Order(StringComparer.Ordinal))}; to: {recipients}; " +
                   $"purpose: {consent.Purpose}; {until}; revocable in writing";
        var ascii = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            ascii.Append(c is >= ' ' and <= '~' ? c : ' ');
        }
        return ascii.ToString();
    }
}

/// <summary>
/// The one door (see <see cref="DiscloseRecordsCommand"/>): every partner read and every outbound event asks here, and
/// only here is the accounting of disclosures written.
/// </summary>
internal sealed class DiscloseRecordsHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, ICurrentCaller caller, TimeProvider clock, DisclosureResponse response)
    : IRequestHandler<DiscloseRecordsCommand, DisclosureDecision>
{
    private const string Consents = """
        SELECT id, treatment_payment_operations AS TreatmentPaymentOperations, purpose, expires_on AS ExpiresOn, expiry_event AS ExpiryEvent,
               ended_at AS EndedAt, signed_at AS SignedAt, revoked_at AS RevokedAt
        FROM enrollment_consent WHERE patient_id = @PatientId ORDER BY signed_at, id
        """;

    private const string Categories = """
        SELECT cc.consent_id AS ConsentId, cc.category AS Value FROM enrollment_consent_category cc
        JOIN enrollment_consent c ON c.id = cc.consent_id WHERE c.patient_id = @PatientId
        """;

    private const string Recipients = """
        SELECT r.consent_id AS ConsentId, r.api_client_id AS ClientId FROM enrollment_consent_recipient r
        JOIN enrollment_consent c ON c.id = r.consent_id WHERE c.patient_id = @PatientId
        """;

    private const string Insert = """
        INSERT INTO enrollment_disclosure (id, patient_id, recipient_api_client_id, consent_id, category, purpose, purpose_of_use, records, disclosed_at)
        VALUES (@Id, @PatientId, @ApiClientId, @ConsentId, @Category, @Purpose, @PurposeOfUse, @Records, @At)
        """;

    public async Task<DisclosureDecision> Handle(DiscloseRecordsCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Recipient? recipient;
        if (request.RecipientApiClientId is { } pushedTo)
        {
            recipient = await RecipientAsync(pushedTo, null, cancellationToken);
        }
        else if (caller.IsExternalRecipient())
        {
            var clientId = caller.ApiClientId ?? throw new ForbiddenException("This partner credential carries no API client id.");
            recipient = await RecipientAsync(clientId, PurposesOfUse.RequireDeclared(caller), cancellationToken);
        }
        else
        {
            return new DisclosureDecision(true, null);
        }

        var at = request.At ?? clock.GetUtcNow();
        if (recipient is null)
        {
            return Refused(request);
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        var siteToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, await SiteZoneAsync(connection, request.PatientId, cancellationToken)).DateTime);
        var consent = (await ConsentsAsync(connection, request.PatientId, cancellationToken))
            .FirstOrDefault(c => ConsentRules.Covers(c, recipient, request.Category) && ConsentRules.InForce(c, at, siteToday));
        if (consent is null)
        {
            return Refused(request);
        }
        var scope = ConsentRules.Scope(consent);
        if (request.Records.Count == 0)
        {
            return new DisclosureDecision(true, consent.Id, scope);
        }
        var entryId = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = entryId,
            request.PatientId,
            recipient.ApiClientId,
            ConsentId = consent.Id,
            request.Category,
            consent.Purpose,
            recipient.PurposeOfUse,
            Records = JsonSerializer.Serialize(request.Records.Distinct(StringComparer.Ordinal)),
            At = at,
        }, cancellationToken: cancellationToken));
        if (request.RecipientApiClientId is null)
        {
            response.Add(scope);
        }
        return new DisclosureDecision(true, consent.Id, scope, entryId);
    }

    private static DisclosureDecision Refused(DiscloseRecordsCommand request) =>
        request.RefusedAs is { } answer ? throw new NotFoundException(answer.Resource, answer.Id) : new DisclosureDecision(false, null);

    /// <summary>The recipient as the rules see it; null when its key was revoked (a revoked partner receives nothing, webhooks included).</summary>
    private async Task<Recipient?> RecipientAsync(Guid apiClientId, string? purposeOfUse, CancellationToken ct)
    {
        var profile = await mediator.Send(new GetRecipientProfileQuery(apiClientId), ct);
        if (profile is { Revoked: true })
        {
            return null;
        }
        var tpo = profile is { Kind: ApiClientKinds.Partner, TpoAgreement: not null };
        return new Recipient(apiClientId, tpo, purposeOfUse);
    }

    private static async Task<List<ConsentTerms>> ConsentsAsync(DbConnection connection, Guid patientId, CancellationToken ct)
    {
        var args = new { PatientId = patientId };
        var consents = (await connection.QueryAsync<ConsentTerms>(new CommandDefinition(Consents, args, cancellationToken: ct))).AsList();
        var byId = consents.ToDictionary(c => c.Id);
        foreach (var row in await connection.QueryAsync<(Guid ConsentId, string Value)>(new CommandDefinition(Categories, args, cancellationToken: ct)))
        {
            byId[row.ConsentId].Categories.Add(row.Value);
        }
        foreach (var row in await connection.QueryAsync<(Guid ConsentId, Guid ClientId)>(new CommandDefinition(Recipients, args, cancellationToken: ct)))
        {
            byId[row.ConsentId].Recipients.Add(row.ClientId);
        }
        return consents;
    }

    /// <summary>The zone of the site of the patient's latest episode; UTC before any referral.</summary>
    private async Task<TimeZoneInfo> SiteZoneAsync(DbConnection connection, Guid patientId, CancellationToken ct)
    {
        var sql = $"""
            SELECT s.time_zone FROM enrollment_enrollment e
            JOIN enrollment_program p ON p.id = e.program_id JOIN enrollment_site s ON s.id = p.site_id
            WHERE e.patient_id = @PatientId ORDER BY e.created_at DESC, e.id DESC {dialect.Limit("1")}
            """;
        var zone = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(sql, new { PatientId = patientId }, cancellationToken: ct));
        return zone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var info) ? info : TimeZoneInfo.Utc;
    }
}
