namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>The accounting of disclosures of one patient (§2.25).</summary>
/// <param name="PatientId">Patient.</param>
/// <param name="From">From (default three years before now).</param>
/// <param name="To">To (default now).</param>
internal sealed record ListDisclosuresRequest(Guid PatientId, DateTimeOffset? From, DateTimeOffset? To) : IRequest<IReadOnlyList<DisclosureDto>>, IAuditedRequest
{
    public string AuditCategory => "consent";

    public string AuditAction => "read";

    public Guid? AuditPatientId => PatientId;
}

internal sealed class ListDisclosuresValidator : AbstractValidator<ListDisclosuresRequest>
{
    public ListDisclosuresValidator() =>
        RuleFor(x => x.To).GreaterThanOrEqualTo(x => x.From!.Value).WithMessage("'to' must not be before 'from'.").When(x => x.From is not null && x.To is not null);
}

internal sealed class ListDisclosuresHandler(IDbConnectionFactory db, TimeProvider clock, IAuditScope audit)
    : IRequestHandler<ListDisclosuresRequest, IReadOnlyList<DisclosureDto>>
{
    public async Task<IReadOnlyList<DisclosureDto>> Handle(ListDisclosuresRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await ConsentStore.EnsurePatientAsync(connection, request.PatientId, cancellationToken);
        audit.TouchedPatient(request.PatientId);
        var to = request.To ?? clock.GetUtcNow();
        var from = request.From ?? to.AddYears(-3);
        const string Sql = """
            SELECT id, patient_id AS PatientId, recipient_api_client_id AS RecipientApiClientId, consent_id AS ConsentId, category, purpose,
                   purpose_of_use AS PurposeOfUse, records, disclosed_at AS DisclosedAt
            FROM enrollment_disclosure WHERE patient_id = @PatientId AND disclosed_at >= @From AND disclosed_at <= @To ORDER BY disclosed_at, id
            """;
        var rows = await connection.QueryAsync<DisclosureRow>(new CommandDefinition(Sql, new { request.PatientId, From = from, To = to }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDto())];
    }

    private sealed class DisclosureRow
    {
        public Guid Id { get; init; }

        public Guid PatientId { get; init; }

        public Guid RecipientApiClientId { get; init; }

        public Guid ConsentId { get; init; }

        public string Category { get; init; } = string.Empty;

        public string Purpose { get; init; } = string.Empty;

        public string? PurposeOfUse { get; init; }

        public string? Records { get; init; }

        public DateTimeOffset DisclosedAt { get; init; }

        public DisclosureDto ToDto() => new()
        {
            Id = Id,
            PatientId = PatientId,
            RecipientApiClientId = RecipientApiClientId,
            ConsentId = ConsentId,
            Category = Category,
            Purpose = Purpose,
            PurposeOfUse = PurposeOfUse,
            Records = Records is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<string>>(Records) ?? [],
            DisclosedAt = DisclosedAt,
        };
    }
}

internal static class ListDisclosuresEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/patients/{patientId:guid}/disclosures", (Guid patientId, IMediator mediator, CancellationToken ct, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ListDisclosuresRequest(patientId, from, to), ct), d => ListPage.Key(d.DisclosedAt, d.Id)))
            .RequireRoles(Roles.Staff)
            .WithName("ListDisclosures")
            .WithSummary("Accounting of disclosures")
            .WithDescription("Every disclosure of the patient's records to a partner app (§2.25), by API read or webhook: recipient, consent relied on, category, the consent's purpose, the purpose of use the recipient declared, the records disclosed, when. A read that returned nothing is not a disclosure. Default window: the past 3 years.")
            .Produces<CursorPage<DisclosureDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
