using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using MediatR;

namespace IopPlatform.Enrollment.Features.Consents;

/// <summary>
/// Other modules disclose records to partners too (attendance, drug tests, outcomes); the accounting of disclosures
/// is one list per patient, kept here.
/// </summary>
internal sealed class RecordDisclosureHandler(IDbConnectionFactory db) : IRequestHandler<RecordDisclosureCommand, Guid>
{
    private const string Insert = """
        INSERT INTO enrollment_disclosure (id, patient_id, recipient_api_client_id, consent_id, category, purpose, disclosed_at)
        VALUES (@Id, @PatientId, @ApiClientId, @ConsentId, @Category, @Purpose, @At)
        """;

    public async Task<Guid> Handle(RecordDisclosureCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await WriteAsync(connection, request, cancellationToken);
    }

    /// <summary>The one writer of the accounting of disclosures, also used by Enrollment's own partner reads.</summary>
    public static async Task<Guid> WriteAsync(System.Data.Common.DbConnection connection, RecordDisclosureCommand disclosure, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            disclosure.PatientId,
            disclosure.ApiClientId,
            disclosure.ConsentId,
            disclosure.Category,
            disclosure.Purpose,
            disclosure.At,
        }, cancellationToken: ct));
        return id;
    }
}
