using IopPlatform.ClinicalNotes.Features.Clinicians;
using IopPlatform.ClinicalNotes.Features.Notes;

namespace IopPlatform.ClinicalNotes.Features.GroupNotes;

internal sealed record GetGroupNoteQuery(Guid GroupNoteId) : IRequest<GroupNoteDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.ClinicalNote;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetGroupNoteHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<GetGroupNoteQuery, GroupNoteDto>
{
    public async Task<GroupNoteDto> Handle(GetGroupNoteQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var dto = await GroupNoteStore.LoadAsync(connection, request.GroupNoteId, cancellationToken);
        foreach (var member in dto.Members)
        {
            audit.TouchedPatient(member.PatientId);
        }
        audit.Resource($"group-note/{dto.Id}");
        return dto;
    }
}

internal static class GetGroupNoteEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/group-notes/{groupNoteId:guid}", (Guid groupNoteId, IMediator mediator, CancellationToken ct) => mediator.Send(new GetGroupNoteQuery(groupNoteId), ct))
            .RequireRoles(NotesRoles.StaffReaders)
            .WithName("GetGroupNote")
            .WithSummary("Read a group note")
            .WithDescription("The shared section and, per member, attendance and the filed note (or no-show).")
            .Produces<GroupNoteDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
