using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.Enrollment.Features.Enrollments;

internal static class EnrollmentsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/enrollments", async (ReferPatientRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var enrollment = await mediator.Send(body, ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Created($"/api/v1/enrollments/{enrollment.Id}", enrollment);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Enrollment)
            .WithName("ReferPatient")
            .WithSummary("Refer a patient to a program")
            .WithDescription("Creates an enrollment in status 'referred'. Staff record the referring clinician; a partner app's referral records the app " +
                             "(it refers patients for whom it holds a consent covering 'enrollment', or that it registered before partners stopped registering patients; otherwise 404). " +
                             "The answer is the partner's own referral: checked at the consent door, not a disclosure.")
            .Accepts<ReferPatientRequest>("application/json")
            .Produces<EnrollmentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();

        group.MapGet("/enrollments/{enrollmentId:guid}", async (Guid enrollmentId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var enrollment = await mediator.Send(new GetEnrollmentRequest(enrollmentId), ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Ok(enrollment);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Enrollment)
            .WithName("GetEnrollment")
            .WithSummary("Get an enrollment")
            .WithDescription("The episode of care with screening, eligibility findings, care team, allowed transitions and status history. Partner apps need a consent covering 'enrollment' and must send X-Purpose-Of-Use; their responses carry the §2.32 headers and are accounted for.")
            .Produces<EnrollmentDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/patients/{patientId:guid}/enrollments", (Guid patientId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new ListPatientEnrollmentsRequest(patientId), ct))
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Enrollment)
            .WithName("ListPatientEnrollments")
            .WithSummary("List a patient's enrollments")
            .WithDescription("All episodes of care of one patient, newest first. Partner apps need a consent covering 'enrollment' and must send X-Purpose-Of-Use; their responses carry the §2.32 headers and are accounted for.")
            .Produces<IReadOnlyList<EnrollmentDto>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        ScreenEnrollmentEndpoint.Map(group);
        AdmitEnrollmentEndpoint.Map(group);
        HoldResumeOrCancelEnrollmentEndpoint.Map(group);
        DischargeEnrollmentEndpoint.Map(group);

        group.MapPut("/enrollments/{enrollmentId:guid}/care-team", async (Guid enrollmentId, SetCareTeamRequest body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(request);
                var enrollment = await mediator.Send(body with { EnrollmentId = enrollmentId, ExpectedVersion = version }, ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Ok(enrollment);
            })
            .RequireRoles(Roles.Staff)
            .WithName("SetCareTeam")
            .WithSummary("Set the care team")
            .WithDescription("Primary counsellor, case manager (alerts route here) and supervisor (escalation target). A change ends the previous assignment's period. Requires If-Match.")
            .Accepts<SetCareTeamRequest>("application/json")
            .Produces<EnrollmentDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapGet("/case-managers/{userId}/caseload", (string userId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new GetCaseloadRequest(userId, limit, cursor), ct))
            .RequireRoles(Roles.Staff)
            .WithName("GetCaseload")
            .WithSummary("A case manager's caseload")
            .WithDescription("Active and on-hold enrollments whose current case manager is this user, with patient summaries and current status.")
            .Produces<CursorPage<CaseloadEntryDto>>()
            .ProducesValidationProblem();
    }
}
