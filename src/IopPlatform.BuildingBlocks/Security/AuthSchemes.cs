namespace IopPlatform.BuildingBlocks.Security;

public static class AuthSchemes
{
    /// <summary>Picks ApiKey or Bearer from the request's headers.</summary>
    public const string Default = "iop";

    /// <summary>Partner apps: <c>Authorization: ApiKey &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>.</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>Staff: JWT bearer tokens from the organisation's identity provider.</summary>
    public const string Bearer = "Bearer";

    /// <summary>API clients: SMART Backend Services access tokens issued by <c>POST /connect/token</c>.</summary>
    public const string SmartBearer = "SmartBearer";

    public const string ApiKeyHeader = "X-Api-Key";
}
