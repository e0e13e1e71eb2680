namespace IopPlatform.BuildingBlocks.Security;

/// <summary>The platform's roles. Staff get them from the identity provider's token, partner apps from their API key.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Clinician = "clinician";
    public const string Supervisor = "supervisor";
    public const string CaseManager = "case_manager";
    public const string Partner = "partner";

    public static readonly IReadOnlyList<string> All = [Admin, Clinician, Supervisor, CaseManager, Partner];

    /// <summary>Everyone who treats or coordinates care (not partner apps).</summary>
    public static readonly string[] Staff = [Admin, Clinician, Supervisor, CaseManager];

    /// <summary>Roles that write clinical content.</summary>
    public static readonly string[] Clinical = [Clinician, Supervisor];
}
