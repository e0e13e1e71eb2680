using System.Text.RegularExpressions;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>
/// No module names another owner's tables. Table names are <c>{owner}_{name}</c>; the owners are the modules' snake_case
/// names and <c>platform</c> (BuildingBlocks). Also: feature SQL takes time and ids as parameters, never from the engine.
/// </summary>
internal static partial class SqlOwnership
{
    /// <summary>Names carrying another owner's prefix, e.g. <c>scheduling_session</c> in Enrollment's SQL.</summary>
    public static IReadOnlyList<string> ForeignTableNames(string ownerPrefix, string sql) =>
        OwnedName().Matches(sql)
            .Where(m => !string.Equals(m.Groups["owner"].Value, ownerPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(m => m.Value)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>Engine clock and id functions: time is a parameter from TimeProvider, ids are Guid.CreateVersion7() in C#.</summary>
    public static IReadOnlyList<string> VendorFunctions(string sql) =>
        VendorFunction().Matches(sql).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    // A name ending in _id (enrollment_id) is a column holding another module's id, which is how modules refer to each other.
    [GeneratedRegex(@"\b(?<owner>enrollment|engagement|scheduling|clinical_notes|outcomes|integration|platform)_[a-z0-9_]+\b(?<!_id)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OwnedName();

    [GeneratedRegex(
        @"\bnow\s*\(\s*\)|\bGETUTCDATE\s*\(|\bGETDATE\s*\(|\bSYSUTCDATETIME\s*\(|\bSYSDATETIME\s*\(|\bSYSDATETIMEOFFSET\s*\(|\bCURRENT_TIMESTAMP\b|\bCURRENT_DATE\b|\bLOCALTIMESTAMP\b|\b(date|time|datetime|julianday|strftime|unixepoch)\s*\([^)]*'now'|\bNEWID\s*\(|\bNEWSEQUENTIALID\s*\(|\bgen_random_uuid\s*\(",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VendorFunction();
}
