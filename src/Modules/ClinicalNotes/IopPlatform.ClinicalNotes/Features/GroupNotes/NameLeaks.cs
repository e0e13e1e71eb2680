using System.Text.RegularExpressions;

namespace IopPlatform.ClinicalNotes.Features.GroupNotes;

/// <summary>A group member's name or identifier found where it should not be (shared text or another member's section).</summary>
internal sealed record NameLeakWarningDto
{
    /// <summary>Where it was found, e.g. <c>shared.topic</c> or <c>members[1].sections.response</c>.</summary>
    public required string Field { get; init; }

    /// <summary>The member who is named there.</summary>
    public required Guid MentionedEnrollmentId { get; init; }

    /// <summary><c>name</c> or <c>identifier</c> (the text itself is not repeated).</summary>
    public required string Match { get; init; }

    public required string Message { get; init; }
}

/// <summary>
/// Detects members' names and identifiers in free text. Names match as whole words with their capital letter, so a
/// member called "Hope" is not found in "we talked about hope"; identifiers (MRN, partner ids) match whole, any case.
/// </summary>
internal static class NameLeaks
{
    private sealed record Term(Guid EnrollmentId, Regex Pattern, string Match);

    public static IReadOnlyList<NameLeakWarningDto> Find(
        IReadOnlyList<(string Field, string Text, Guid? OwnerEnrollmentId)> texts,
        IReadOnlyDictionary<Guid, PatientNamesDto> membersByEnrollment)
    {
        var terms = new List<Term>();
        foreach (var (enrollmentId, names) in membersByEnrollment)
        {
            foreach (var name in new[] { names.GivenName, names.FamilyName }.Where(n => n.Trim().Length >= 2).Distinct(StringComparer.Ordinal))
            {
                terms.Add(new Term(enrollmentId, new Regex($@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(name.Trim())}(?![\p{{L}}\p{{N}}])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), "name"));
            }
            foreach (var identifier in names.Identifiers.Where(i => i.Trim().Length >= 3).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                terms.Add(new Term(enrollmentId, new Regex($@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(identifier.Trim())}(?![\p{{L}}\p{{N}}])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)), "identifier"));
            }
            terms.Add(new Term(enrollmentId, new Regex(Regex.Escape(names.PatientId.ToString()), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), "identifier"));
        }
        var warnings = new List<NameLeakWarningDto>();
        foreach (var (field, text, owner) in texts)
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }
            foreach (var hit in terms.Where(t => t.EnrollmentId != owner && t.Pattern.IsMatch(text)).DistinctBy(t => (t.EnrollmentId, t.Match)))
            {
                warnings.Add(new NameLeakWarningDto
                {
                    Field = field,
                    MentionedEnrollmentId = hit.EnrollmentId,
                    Match = hit.Match,
                    Message = owner is null
                        ? $"The shared section names a group member ({hit.Match}); shared text is filed into every attendee's record."
                        : $"This member's section names another group member ({hit.Match}).",
                });
            }
        }
        return warnings;
    }
}
