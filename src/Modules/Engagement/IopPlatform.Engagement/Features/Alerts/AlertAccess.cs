using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>Who may see and work which alert: admins and supervisors any; case managers and clinicians those routed to them.</summary>
internal static class AlertAccess
{
    /// <summary>The staff roles that work alerts (each alert further limited by <see cref="MayWork"/>).</summary>
    public static readonly string[] Staff = [Roles.CaseManager, Roles.Clinician, Roles.Supervisor, Roles.Admin];

    public static bool SeesAll(ICurrentCaller caller) => caller.IsInRole(Roles.Admin) || caller.IsInRole(Roles.Supervisor);

    public static bool MayWork(ICurrentCaller caller, AlertRow alert) =>
        SeesAll(caller) || alert.CaseManagerId == caller.ActorId || alert.ClinicianId == caller.ActorId;

    public static void Ensure(ICurrentCaller caller, AlertRow alert)
    {
        if (!MayWork(caller, alert))
        {
            // 404 rather than 403: whether an alert exists about a patient is itself patient information.
            throw new NotFoundException("Alert", alert.Id);
        }
    }
}
