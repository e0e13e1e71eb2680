namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>
/// Which roles an API client may hold: a partner (an external recipient) only <c>partner</c>, so it can never reach a
/// staff endpoint; an internal system only staff roles. Enforced again at sign-in so a row changed behind the API's
/// back cannot widen what a partner key reaches.
/// </summary>
internal static class ApiClientRoles
{
    public static IReadOnlyList<string> Effective(string? kind, IReadOnlyList<string> stored) =>
        kind == ApiClientKinds.InternalSystem
            ? [.. stored.Where(r => r != Roles.Partner)]
            : [.. stored.Where(r => r == Roles.Partner).DefaultIfEmpty(Roles.Partner).Distinct(StringComparer.Ordinal)];
}

/// <summary>Answers the consent door: what kind of recipient an API client is and whether it may receive under a TPO consent.</summary>
internal sealed class GetRecipientProfileHandler(IDbConnectionFactory db) : IRequestHandler<GetRecipientProfileQuery, RecipientProfileDto?>
{
    private const string Select = "SELECT id, kind, tpo_agreement AS TpoAgreement, revoked_at AS RevokedAt FROM integration_api_client WHERE id = @ApiClientId";

    public async Task<RecipientProfileDto?> Handle(GetRecipientProfileQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select, request, cancellationToken: cancellationToken));
        return row is null ? null : new RecipientProfileDto(row.Id, row.Kind ?? ApiClientKinds.Partner, row.TpoAgreement, row.RevokedAt is not null);
    }

    private sealed class Row
    {
        public Guid Id { get; init; }

        public string? Kind { get; init; }

        public string? TpoAgreement { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }
    }
}
