using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.Enrollment.Features.Consents;

internal static class ConsentsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/patients/{patientId:guid}/consents", async (Guid patientId, CreateConsentRequest body, IMediator mediator, CancellationToken ct) =>
            {
                var consent = await mediator.Send(body with { PatientId = patientId }, ct);
                return TypedResults.Created($"/api/v1/consents/{consent.Id}", consent);
            })
            .RequireRoles(Roles.Staff)
            .WithName("CreateConsent")
            .WithSummary("Record a 42 CFR Part 2 consent")
            .WithDescription("Records a signed consent with every §2.31 element: who may disclose, what information, recipients (partner apps and/or the " +
                             "treatment/payment/operations class), purpose, right to revoke, expiry date (after today) or event (end_of_treatment), signer and date signed.")
            .Accepts<CreateConsentRequest>("application/json")
            .Produces<ConsentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();

        group.MapGet("/patients/{patientId:guid}/consents", (Guid patientId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new ListConsentsRequest(patientId), ct))
            .RequireRoles(Roles.Staff)
            .WithName("ListConsents")
            .WithSummary("List a patient's consents")
            .WithDescription("All consents of a patient, newest first, including revoked and expired ones.")
            .Produces<IReadOnlyList<ConsentDto>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

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

        group.MapGet("/patients/{patientId:guid}/disclosures", (Guid patientId, IMediator mediator, CancellationToken ct, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
                mediator.Send(new ListDisclosuresRequest(patientId, from, to), ct))
            .RequireRoles(Roles.Staff)
            .WithName("ListDisclosures")
            .WithSummary("Accounting of disclosures")
            .WithDescription("Every disclosure of the patient's records to a partner app (§2.25), by API read or webhook: recipient, consent relied on, category, the consent's purpose, the purpose of use the recipient declared, the records disclosed, when. A read that returned nothing is not a disclosure. Default window: the past 3 years.")
            .Produces<IReadOnlyList<DisclosureDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
