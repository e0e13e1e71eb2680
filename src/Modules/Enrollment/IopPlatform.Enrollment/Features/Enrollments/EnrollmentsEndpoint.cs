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
    private const string TransitionErrors = "404 unknown enrollment; 409 when the transition is not allowed from the current status (the problem's " +
                                            "allowedTransitions lists those that are); 428 without If-Match; 412 when If-Match is stale.";

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

        Transition<ScreenEnrollmentRequest>(group, Transitions.Screen, "ScreenEnrollment", "Record the intake screening",
            "Records detox status, clinician recommendation, levels of care, dual diagnosis (ICD-10), expected-positive medications and age group; " +
            "referred → screened, or updates a screened referral (e.g. detox now completed). ", required: true);
        Transition<AdmitEnrollmentRequest>(group, Transitions.Admit, "AdmitEnrollment", "Admit",
            "screened → active. Refused with 422 (problem member 'reasons' lists each eligibility finding) when the referral is not eligible, e.g. " +
            "'needs medically supervised detox first: not admitted until detox is completed'; 422 when the admission date is before the referral; " +
            "409 when the patient already has an active or on-hold enrollment in the program. ", required: false);
        Transition<SimpleTransitionRequest>(group, Transitions.Hold, "HoldEnrollment", "Put on hold", "active → on_hold; a reason is required. ", required: true);
        Transition<SimpleTransitionRequest>(group, Transitions.Resume, "ResumeEnrollment", "Resume", "on_hold → active. ", required: false);
        Transition<SimpleTransitionRequest>(group, Transitions.Cancel, "CancelEnrollment", "Cancel a referral", "referred or screened → cancelled; a reason is required. ", required: true);
        Transition<DischargeEnrollmentRequest>(group, Transitions.Discharge, "DischargeEnrollment", "Discharge",
            "active or on_hold → discharged with a TEDS-aligned reason. Reason 'completed' needs completion readiness from Outcomes or a " +
            "clinicianOverrideReason (422 otherwise, with 'readinessReasons'). ", required: true);

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

    private static void Transition<TRequest>(IEndpointRouteBuilder group, string action, string name, string summary, string description, bool required)
        where TRequest : TransitionRequest
    {
        var builder = group.MapPost($"/enrollments/{{enrollmentId:guid}}/{action}", async (Guid enrollmentId, HttpRequest request, HttpResponse response, IMediator mediator, CancellationToken ct) =>
            {
                var version = ETag.RequireIfMatch(request);
                TransitionRequest body = await ReadBodyAsync<TRequest>(request, action, required, ct);
                var enrollment = await mediator.Send(body with { EnrollmentId = enrollmentId, ExpectedVersion = version }, ct);
                ETag.Set(response, enrollment.Version);
                return TypedResults.Ok(enrollment);
            })
            .RequireRoles(Roles.Staff)
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + TransitionErrors)
            .Accepts<TRequest>(!required, "application/json")
            .Produces<EnrollmentDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        if (action is Transitions.Admit or Transitions.Discharge)
        {
            builder.ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        }
    }

    /// <summary>
    /// Bodies are read here rather than bound, so that hold/resume/cancel/admit may come without one and the If-Match
    /// check (428/412) answers before the body is even looked at.
    /// </summary>
    private static async Task<TRequest> ReadBodyAsync<TRequest>(HttpRequest request, string action, bool required, CancellationToken ct)
        where TRequest : TransitionRequest
    {
        var body = await OptionalJsonBody.ReadAsync<TRequest>(request, ct);
        if (typeof(TRequest) == typeof(SimpleTransitionRequest))
        {
            body ??= (TRequest)(TransitionRequest)new SimpleTransitionRequest(null);
            return (TRequest)(TransitionRequest)((SimpleTransitionRequest)(TransitionRequest)body with { Verb = action });
        }
        if (body is null && typeof(TRequest) == typeof(AdmitEnrollmentRequest))
        {
            return (TRequest)(TransitionRequest)new AdmitEnrollmentRequest(null, null);
        }
        return body ?? throw new BadHttpRequestException(required ? $"The {action} transition needs a JSON body." : "Missing body.");
    }
}
