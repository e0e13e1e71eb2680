namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>Revokes a consent. Disclosures stop at once; past disclosures stay in the accounting.</summary>
/// <param name="RevokedBy">Who revoked (usually the patient's name).</param>
/// <param name="InWriting">The revocation was received in writing.</param>
/// <param name="ReceivedVia">mail, in_person, portal, fax, email or oral.</param>
/// <param name="RevokedAt">When it was received; default now, not in the future.</param>
internal sealed record RevokeConsentRequest(string RevokedBy, bool InWriting, string ReceivedVia, DateTimeOffset? RevokedAt) : IRequest<ConsentDto>, IAuditedRequest
{
    [JsonIgnore]
    public Guid ConsentId { get; init; }

    [JsonIgnore]
    public string AuditCategory => "consent";

    [JsonIgnore]
    public string AuditAction => "update";

    [JsonIgnore]
    public Guid? AuditPatientId => null;
}

internal sealed class RevokeConsentValidator : AbstractValidator<RevokeConsentRequest>
{
    public RevokeConsentValidator(TimeProvider clock)
    {
        RuleFor(x => x.RevokedBy).NotEmpty().MaximumLength(200);
        RuleFor(x => x.ReceivedVia).NotEmpty().Must(v => ConsentVocabulary.ReceivedVia.Contains(v))
            .WithMessage($"Received via must be one of {string.Join(", ", ConsentVocabulary.ReceivedVia)}.");
        RuleFor(x => x.RevokedAt).Must(t => t <= clock.GetUtcNow()).WithMessage("A revocation cannot be in the future.").When(x => x.RevokedAt is not null);
    }
}

internal sealed class RevokeConsentHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, IMediator mediator)
    : IRequestHandler<RevokeConsentRequest, ConsentDto>
{
    private const string Revoke = """
        UPDATE enrollment_consent SET revoked_at = @RevokedAt, revoked_by = @RevokedBy, revoked_in_writing = @InWriting,
            revocation_received_via = @ReceivedVia, revocation_recorded_by = @RecordedBy, version = version + 1
        WHERE id = @ConsentId AND revoked_at IS NULL
        """;

    public async Task<ConsentDto> Handle(RevokeConsentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var consent = await ConsentStore.GetAsync(connection, request.ConsentId, cancellationToken);
        audit.TouchedPatient(consent.PatientId);
        var revokedAt = request.RevokedAt ?? clock.GetUtcNow();
        if (revokedAt < consent.SignedAt)
        {
            throw new UnprocessableException("A consent cannot be revoked before it was signed.");
        }
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(Revoke, new
            {
                request.ConsentId,
                RevokedAt = revokedAt,
                RevokedBy = request.RevokedBy.Trim(),
                request.InWriting,
                request.ReceivedVia,
                RecordedBy = caller.ActorId,
            }, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new ConflictException($"Consent '{request.ConsentId}' is already revoked.");
            }
            await EnrollmentOutbox.WriteAsync(connection, transaction, EnrollmentEvents.ConsentRevoked, consent.Id, consent.PatientId,
                new { consentId = consent.Id, patientId = consent.PatientId, revokedAt }, clock.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await mediator.Publish(new ConsentRevoked(consent.Id, consent.PatientId, revokedAt), cancellationToken);
        return await ConsentStore.GetAsync(connection, request.ConsentId, cancellationToken);
    }
}

internal static class RevokeConsentEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/consents/{consentId:guid}/revoke", async (Guid consentId, RevokeConsentRequest body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(body with { ConsentId = consentId }, ct)))
            .RequireRoles(Roles.Staff)
            .WithName("RevokeConsent")
            .WithSummary("Revoke a consent")
            .WithDescription("Records the revocation (who, when, in writing or not, how received). Disclosures under it stop at once. Revoking twice → 409.")
            .Accepts<RevokeConsentRequest>("application/json")
            .Produces<ConsentDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
