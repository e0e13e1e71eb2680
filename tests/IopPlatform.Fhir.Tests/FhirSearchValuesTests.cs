using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.Fhir.Features.Pipeline;
using Xunit;

namespace IopPlatform.Fhir.Tests;

/// <summary>The FHIR date search prefixes and precisions as intervals.</summary>
public sealed class FhirSearchValuesTests
{
    private static readonly DateTimeOffset Jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_day_a_month_and_prefixes_narrow_to_half_open_intervals()
    {
        Assert.Equal(new FhirDateRange(Jan1, Jan1.AddDays(1)), FhirSearchValues.DateRange("date", ["2026-01-01"]));
        Assert.Equal(new FhirDateRange(Jan1, Jan1.AddMonths(1)), FhirSearchValues.DateRange("date", ["eq2026-01"]));
        Assert.Equal(new FhirDateRange(Jan1, Jan1.AddMonths(1)), FhirSearchValues.DateRange("date", ["ge2026-01-01", "lt2026-02-01"]));
        Assert.Equal(new FhirDateRange(Jan1.AddDays(1), null), FhirSearchValues.DateRange("date", ["gt2026-01-01"]));
        Assert.Equal(new FhirDateRange(null, Jan1.AddYears(1)), FhirSearchValues.DateRange("date", ["le2026"]));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("ne2026-01-01")]
    [InlineData("2026-13-01")]
    public void Anything_else_is_a_400(string value) =>
        Assert.Throws<BadRequestException>(() => FhirSearchValues.DateRange("date", [value]));
}
