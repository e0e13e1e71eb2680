using IopPlatform.Outcomes.Features.Measures;
using Microsoft.Extensions.Configuration;

namespace IopPlatform.Outcomes;

/// <summary>Module settings (section <c>Outcomes</c>).</summary>
internal sealed record OutcomesSettings(int Pcl5Threshold)
{
    public const string Section = "Outcomes";

    /// <summary>Reads and checks the settings at start-up, so a wrong cut-off fails the deployment, not a patient's score.</summary>
    public static OutcomesSettings From(IConfiguration configuration)
    {
        var threshold = configuration.GetValue($"{Section}:Pcl5ProvisionalPtsdThreshold", MeasureScoring.DefaultPcl5Threshold);
        if (threshold is < MeasureScoring.MinPcl5Threshold or > MeasureScoring.MaxPcl5Threshold)
        {
            throw new InvalidOperationException(
                $"{Section}:Pcl5ProvisionalPtsdThreshold must be {MeasureScoring.MinPcl5Threshold} to {MeasureScoring.MaxPcl5Threshold}; it is {threshold}.");
        }
        return new OutcomesSettings(threshold);
    }
}
