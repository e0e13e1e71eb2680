using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using MediatR;
using Microsoft.AspNetCore.Http;

namespace IopPlatform.Outcomes.Features;

/// <summary>Set when the current response carries a patient's outcomes data to a partner.</summary>
internal sealed class OutcomesDisclosureLog
{
    public bool Disclosed { get; private set; }

    public void Mark() => Disclosed = true;
}

/// <summary>
/// Partner apps read outcomes data only under a consent in force for its category (42 CFR Part 2). A patient they may
/// not see is answered like a record that does not exist, so a partner cannot probe who is in treatment; every allowed
/// read lands in the patient's accounting of disclosures, which Enrollment keeps.
/// </summary>
internal sealed class PartnerDisclosure(ICurrentCaller caller, IMediator mediator, TimeProvider clock, OutcomesDisclosureLog log)
{
    public bool IsPartner => caller.IsExternalRecipient();

    /// <summary>Staff pass; a partner without a consent for <paramref name="category"/> gets <paramref name="notFound"/>.</summary>
    public async Task EnsureAsync(Guid patientId, string category, NotFoundException notFound, CancellationToken ct)
    {
        if (!IsPartner)
        {
            return;
        }
        var partnerId = caller.ApiClientId ?? throw new ForbiddenException("This partner credential carries no API client id.");
        var at = clock.GetUtcNow();
        var decision = await mediator.Send(new CheckDisclosureConsentQuery(patientId, partnerId, category, at, caller.Purpose), ct).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            throw notFound;
        }
        await mediator.Send(new RecordDisclosureCommand(patientId, partnerId, decision.ConsentId!.Value, category, caller.Purpose, at), ct).ConfigureAwait(false);
        log.Mark();
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
        if (context.HttpContext.RequestServices.GetService(typeof(OutcomesDisclosureLog)) is OutcomesDisclosureLog { Disclosed: true })
        {
            context.HttpContext.Response.Headers[RedisclosureNotice.Header] = RedisclosureNotice.Text;
        }
        return result;
    }
}
