using System.Reflection;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>Files that say what they hold: one use case a file, validation only through validators, stores that only store.</summary>
internal static partial class FeatureFiles
{
    public const int LongFileLines = 400;

    /// <summary>
    /// Files that still hold more than one use case, each under <see cref="LongFileLines"/> lines. The list only shrinks:
    /// a file split (or grown past the limit) must leave it, and no new file may join it.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownMultiUseCaseFiles = new HashSet<string>(StringComparer.Ordinal)
    {
        "IopPlatform.BuildingBlocks/Audit/AuditEndpoints.cs",
        "Modules/ClinicalNotes/IopPlatform.ClinicalNotes/Features/Clinicians/Clinicians.cs",
        "Modules/ClinicalNotes/IopPlatform.ClinicalNotes/Features/Counselling/CounsellingNotes.cs",
        "Modules/ClinicalNotes/IopPlatform.ClinicalNotes/Features/Notes/OverdueNotes.cs",
        "Modules/ClinicalNotes/IopPlatform.ClinicalNotes/Features/Notes/ReadNotes.cs",
        "Modules/ClinicalNotes/IopPlatform.ClinicalNotes/Features/Notes/SignNote.cs",
        "Modules/ClinicalNotes/IopPlatform.ClinicalNotes/Features/Outbox/ClinicalNotesOutboxReads.cs",
        "Modules/ClinicalNotes/IopPlatform.ClinicalNotes/Features/TreatmentPlans/RelapsePreventionPlans.cs",
        "Modules/Engagement/IopPlatform.Engagement/Features/Alerts/CloseAlertsAtEpisodeEnd.cs",
        "Modules/Engagement/IopPlatform.Engagement/Features/Drift/DetectDrift.cs",
        "Modules/Engagement/IopPlatform.Engagement/Features/Outbox/EngagementOutboxReads.cs",
        "Modules/Enrollment/IopPlatform.Enrollment/Features/Enrollments/EnrollmentContractQueries.cs",
        "Modules/Enrollment/IopPlatform.Enrollment/Features/Outbox/EnrollmentOutboxReads.cs",
        "Modules/Integration/IopPlatform.Integration/Features/Webhooks/WebhookSubscriptions.cs",
        "Modules/Outcomes/IopPlatform.Outcomes/Features/DrugTests/GetDrugTest.cs",
        "Modules/Outcomes/IopPlatform.Outcomes/Features/Measures/ListMeasures.cs",
        "Modules/Outcomes/IopPlatform.Outcomes/Features/Measures/MeasureCadence.cs",
        "Modules/Outcomes/IopPlatform.Outcomes/Features/Outbox/OutcomesOutboxReads.cs",
        "Modules/Scheduling/IopPlatform.Scheduling/Features/Attendance/CheckIn.cs",
        "Modules/Scheduling/IopPlatform.Scheduling/Features/Attendance/RecordAttendance.cs",
        "Modules/Scheduling/IopPlatform.Scheduling/Features/Enrollments/EnrollmentReactions.cs",
        "Modules/Scheduling/IopPlatform.Scheduling/Features/Hours/GetWeeklyHours.cs",
        "Modules/Scheduling/IopPlatform.Scheduling/Features/Outbox/SchedulingOutbox.cs",
    };

    /// <summary>A file of src/ (path relative to src/, forward slashes), its line count and the requests and notifications it handles.</summary>
    public sealed record SourceFile(string Path, int Lines, IReadOnlyList<string> Handled);

    public static IReadOnlyList<SourceFile> SourceFiles()
    {
        var src = Path.Combine(Solution.RepositoryRoot().FullName, "src");
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Parse(Path.GetRelativePath(src, p).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText(p)))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
    }

    public static SourceFile Parse(string path, string text) =>
        new(path, text.Count(c => c == '\n'), [.. HandledPattern().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);

    /// <summary>A use case is a request or notification a handler answers; a file handling two holds two.</summary>
    public static IEnumerable<string> UseCaseViolations(IEnumerable<SourceFile> files, IReadOnlySet<string> known)
    {
        foreach (var file in files.Where(f => f.Handled.Count > 1))
        {
            if (file.Lines > LongFileLines)
            {
                yield return $"{file.Path}: {file.Lines} lines holding {file.Handled.Count} use cases ({string.Join(", ", file.Handled)}); a file over {LongFileLines} lines holds one.";
            }
            else if (!known.Contains(file.Path))
            {
                yield return $"{file.Path}: holds {file.Handled.Count} use cases ({string.Join(", ", file.Handled)}); one use case a file, named for it.";
            }
        }
    }

    /// <summary>Entries of the known list that no longer hold more than one use case (or are gone): take them off.</summary>
    public static IEnumerable<string> StaleKnownEntries(IEnumerable<SourceFile> files, IReadOnlySet<string> known)
    {
        var multi = files.Where(f => f.Handled.Count > 1).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return known.Where(k => !multi.Contains(k)).Select(k => $"{k}: listed as holding several use cases but does not (any more); remove it from the list.");
    }

    /// <summary>
    /// Only the validation behaviour turns failures into a ValidationException: a handler (or anything else) that builds
    /// one, or calls ValidateAndThrow, validates outside the validators. The one other door is the HTTP body check for
    /// null list items (<c>NullCollectionItems</c>), which judges the JSON's shape before any request exists to validate.
    /// </summary>
    public static IEnumerable<string> HandMadeValidationExceptions(IReadOnlyList<IlCall> calls) =>
        calls.Where(c => (c.Callee is ConstructorInfo && c.Callee.DeclaringType == typeof(ValidationException))
                         || (c.Callee.DeclaringType == typeof(DefaultValidatorExtensions) && c.Callee.Name.StartsWith("ValidateAndThrow", StringComparison.Ordinal)))
            .Where(c => !c.Location.StartsWith("IopPlatform.BuildingBlocks.Messaging.ValidationBehavior`2.", StringComparison.Ordinal)
                        && !c.Location.StartsWith("IopPlatform.BuildingBlocks.Http.NullCollectionItems.", StringComparison.Ordinal))
            .Select(c => $"{c.Location}: throws a ValidationException by hand; put the rule in a validator (IStoredDataValidator when it reads stored data).")
            .Distinct(StringComparer.Ordinal);

    /// <summary>A <c>*Store</c> type keeps data access only: a method of it that builds validation failures holds a rule.</summary>
    public static IEnumerable<string> RulesInStores(IReadOnlyList<IlCall> calls) =>
        calls.Where(c => c.Callee is ConstructorInfo && c.Callee.DeclaringType == typeof(ValidationFailure) && TypeNameOf(c.Location).EndsWith("Store", StringComparison.Ordinal))
            .Select(c => $"{c.Location}: a store that judges input; move the rule to a file named after it.")
            .Distinct(StringComparer.Ordinal);

    private static string TypeNameOf(string location)
    {
        var type = location[..location.LastIndexOf('.')];
        return type[(Math.Max(type.LastIndexOf('.'), type.LastIndexOf('+')) + 1)..];
    }

    [GeneratedRegex(@"I(?:Request|Notification)Handler<\s*([\w.]+)")]
    private static partial Regex HandledPattern();
}
