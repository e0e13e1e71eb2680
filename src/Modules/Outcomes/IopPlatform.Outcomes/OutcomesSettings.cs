using IopPlatform.Outcomes.Features.Measures;
using Microsoft.Extensions.Configuration;

namespace IopPlatform.Outcomes;

/// <summary>Module settings (section <c>Outcomes</c>).</summary>
/// <param name="Pcl5Threshold">Platform-wide PCL-5 provisional-PTSD cut-off (31–33).</param>
/// <param name="PresumptivePositiveCountsAfterDays">Days after collection after which an unconfirmed point-of-care positive counts as confirmed for the drift rules.</param>
internal sealed record OutcomesSettings(int Pcl5Threshold, int PresumptivePositiveCountsAfterDays = OutcomesSettings.DefaultPresumptiveDays)
{
    public const string Section = "Outcomes";

    public const int DefaultPresumptiveDays = 7;

    /// <summary>Reads and checks the settings at start-up, so a wrong cut-off fails the deployment, not a patient's score.</summary>
    public static OutcomesSettings From(IConfiguration configuration)
    {
        var threshold = configuration.GetValue($"{Section}:Pcl5ProvisionalPtsdThreshold", MeasureScoring.DefaultPcl5Threshold);
        if (threshold is < MeasureScoring.MinPcl5Threshold or > MeasureScoring.MaxPcl5Threshold)
        {
            throw new InvalidOperationException(
                $"{Section}:Pcl5ProvisionalPtsdThreshold must be {MeasureScoring.MinPcl5Threshold} to {MeasureScoring.MaxPcl5Threshold}; it is {threshold}.");
        }
        var presumptiveDays = configuration.GetValue($"{Section}:PresumptivePositiveCountsAfterDays", DefaultPresumptiveDays);
        if (presumptiveDays is < 1 or > 60)
        {
            throw new InvalidOperationException($"{Section}:PresumptivePositiveCountsAfterDays must be 1 to 60; it is {presumptiveDays}.");
        }
        return new OutcomesSettings(threshold, presumptiveDays);
    }
}
