namespace IopPlatform.BuildingBlocks.Observability;

/// <summary>
/// The platform's own trace source. Spans carry type names and job ids only, never request contents (patient data).
/// </summary>
public static class Telemetry
{
    public const string SourceName = "IopPlatform";

    public static readonly ActivitySource Source = new(SourceName);
}
