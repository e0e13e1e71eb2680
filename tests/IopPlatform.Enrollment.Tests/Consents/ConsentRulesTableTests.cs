using IopPlatform.Enrollment.Features.Consents;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Consents;

/// <summary>The consent rules alone, as a table: who a consent covers and when it is in force.</summary>
public sealed class ConsentRulesTableTests
{
    private static readonly Guid Named = Guid.CreateVersion7();
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 6, 1);

    private static ConsentTerms Consent(bool tpo = false, bool naming = true, DateOnly? expiresOn = null, DateTimeOffset? revokedAt = null, DateTimeOffset? endedAt = null)
    {
        var consent = new ConsentTerms { Id = Guid.CreateVersion7(), TreatmentPaymentOperations = tpo, Purpose = "Care coordination", ExpiresOn = expiresOn, RevokedAt = revokedAt, EndedAt = endedAt, SignedAt = Now.AddDays(-10) };
        consent.Categories.Add("enrollment");
        if (naming)
        {
            consent.Recipients.Add(Named);
        }
        return consent;
    }

    [Theory]
    [InlineData(false, true, false, "treatment", "enrollment", true)]
    [InlineData(false, true, false, "treatment", "drug_test", false)]
    [InlineData(false, false, false, "treatment", "enrollment", false)]
    [InlineData(true, false, false, "treatment", "enrollment", false)]
    [InlineData(true, false, true, "treatment", "enrollment", true)]
    [InlineData(true, false, true, "research", "enrollment", false)]
    [InlineData(true, false, true, null, "enrollment", true)]
    public void Covers_named_recipients_and_tpo_recipients_for_tpo_purposes(bool tpoConsent, bool namesRecipient, bool tpoRecipient, string? purpose, string category, bool covered) =>
        Assert.Equal(covered, ConsentRules.Covers(Consent(tpoConsent, namesRecipient), new Recipient(Named, tpoRecipient, purpose), category));

    [Fact]
    public void Is_in_force_until_revoked_ended_or_past_its_last_day_on_the_sites_calendar()
    {
        Assert.True(ConsentRules.InForce(Consent(expiresOn: Today), Now, Today));
        Assert.False(ConsentRules.InForce(Consent(expiresOn: Today.AddDays(-1)), Now, Today));
        Assert.False(ConsentRules.InForce(Consent(revokedAt: Now.AddMinutes(-1)), Now, Today));
        Assert.True(ConsentRules.InForce(Consent(revokedAt: Now.AddMinutes(1)), Now, Today));
        Assert.False(ConsentRules.InForce(Consent(endedAt: Now.AddDays(-1)), Now, Today));
    }

    [Fact]
    public void Scope_states_categories_recipients_purpose_and_end_in_plain_ascii()
    {
        var consent = Consent(tpo: true, expiresOn: new DateOnly(2027, 3, 1));

        var scope = ConsentRules.Scope(consent);

        Assert.Contains("information: enrollment", scope, StringComparison.Ordinal);
        Assert.Contains("treatment/payment/operations", scope, StringComparison.Ordinal);
        Assert.Contains("purpose: Care coordination", scope, StringComparison.Ordinal);
        Assert.Contains("until 2027-03-01", scope, StringComparison.Ordinal);
        Assert.All(scope, c => Assert.InRange(c, ' ', '~'));
    }
}
