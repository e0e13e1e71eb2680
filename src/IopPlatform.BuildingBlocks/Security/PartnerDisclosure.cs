namespace IopPlatform.BuildingBlocks.Security;

/// <summary>The headers every response that disclosed a patient's records to an external recipient carries (42 CFR §2.32).</summary>
public static class DisclosureHeaders
{
    /// <summary>The §2.32(a) notice.</summary>
    public const string Notice = "X-Redisclosure-Notice";

    /// <summary>The 2024 rule's short notice (42 CFR §2.32(a)(1)).</summary>
    public const string NoticeText = "42 CFR part 2 prohibits unauthorized use or disclosure of these records.";

    /// <summary>The §2.32(b) explanation of the scope of the consent the disclosure relied on.</summary>
    public const string ConsentScope = "X-Consent-Scope";
}

/// <summary>The purposes of use an external recipient may declare in <c>X-Purpose-Of-Use</c>.</summary>
public static class PurposesOfUse
{
    public const string Treatment = "treatment";
    public const string Payment = "payment";
    public const string Operations = "operations";

    /// <summary>Treatment, payment and health care operations: the purposes a single TPO consent covers (§2.33(a)(2)).</summary>
    public static readonly IReadOnlySet<string> Tpo = new HashSet<string>(StringComparer.Ordinal) { Treatment, Payment, Operations };

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Treatment, Payment, Operations, "care_coordination", "research", "public_health", "legal" };

    /// <summary>
    /// The external caller's declared purpose; a 400 naming the header when it is missing or unknown. External
    /// recipients must say why they ask: a silent default would let every read pass as treatment.
    /// </summary>
    public static string RequireDeclared(ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var declared = caller.DeclaredPurpose;
        if (declared is null)
        {
            throw new BadRequestException(HttpCurrentCaller.PurposeHeader,
                $"Partner apps must declare why they ask: send {HttpCurrentCaller.PurposeHeader} with one of {string.Join(", ", All.Order(StringComparer.Ordinal))}.");
        }
        if (!All.Contains(declared))
        {
            throw new BadRequestException(HttpCurrentCaller.PurposeHeader,
                $"'{declared}' is not a purpose of use; use one of {string.Join(", ", All.Order(StringComparer.Ordinal))}.");
        }
        return declared;
    }
}

/// <summary>Route metadata: the endpoint may disclose this category of a patient's records to an external recipient.</summary>
/// <param name="Category">Information category (demographics, enrollment, attendance, drug_test, outcomes, clinical_note).</param>
public sealed record DisclosesPatientRecordsMetadata(string Category);

/// <summary>Route metadata: the endpoint carries no patient data to its caller, so no consent is involved.</summary>
/// <param name="Why">Why nothing of a patient leaves through it (kept for reviewers and the route test's message).</param>
public sealed record CarriesNoPatientDataMetadata(string Why);

/// <summary>
/// What the current response disclosed to an external recipient. The disclosure door fills it; the endpoint filter turns
/// it into the §2.32 headers. Scoped: one per request.
/// </summary>
public sealed class DisclosureResponse
{
    private readonly List<string> scopes = [];

    public bool Disclosed => scopes.Count > 0;

    public IReadOnlyList<string> Scopes => scopes;

    /// <summary>Records one disclosure and the plain-language scope of the consent it relied on.</summary>
    public void Add(string consentScope)
    {
        if (!scopes.Contains(consentScope, StringComparer.Ordinal))
        {
            scopes.Add(consentScope);
        }
    }
}

public static class PartnerDisclosureEndpoints
{
    /// <summary>
    /// Marks a route a partner can reach that discloses <paramref name="category"/> of a patient's records: its handler
    /// must pass every disclosure through the disclosure door, and its responses get the §2.32 headers. External callers
    /// must declare a purpose of use.
    /// </summary>
    public static TBuilder DisclosesPatientRecords<TBuilder>(this TBuilder builder, string category)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DisclosesPatientRecordsMetadata(category)).AddEndpointFilter(new DisclosureNoticeFilter());

    /// <summary>Marks a route a partner can reach that carries no patient data at all (programs, sites, its own settings).</summary>
    public static TBuilder CarriesNoPatientData<TBuilder>(this TBuilder builder, string why)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CarriesNoPatientDataMetadata(why));
}

/// <summary>
/// The one response mechanism of the door: before the handler it asks external callers for their purpose of use; after
/// it, when anything was disclosed, it adds the §2.32(a) notice and the §2.32(b) consent-scope statement.
/// </summary>
public sealed class DisclosureNoticeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var services = context.HttpContext.RequestServices;
        if (services.GetService<ICurrentCaller>() is { } caller && caller.IsExternalRecipient())
        {
            PurposesOfUse.RequireDeclared(caller);
        }
        var result = await next(context);
        if (services.GetService<DisclosureResponse>() is { Disclosed: true } disclosed)
        {
            var headers = context.HttpContext.Response.Headers;
            headers[DisclosureHeaders.Notice] = DisclosureHeaders.NoticeText;
            headers[DisclosureHeaders.ConsentScope] = disclosed.Scopes.ToArray();
        }
        return result;
    }
}
