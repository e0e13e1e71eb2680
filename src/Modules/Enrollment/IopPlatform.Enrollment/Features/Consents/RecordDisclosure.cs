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
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            request.PatientId,
            request.ApiClientId,
            request.ConsentId,
            request.Category,
            request.Purpose,
            request.At,
        }, cancellationToken: cancellationToken));
        return id;
    }
}
