namespace IopPlatform.Enrollment.Infrastructure;

internal static class DbErrors
{
    /// <summary>A unique index refused the row: a concurrent writer got there first; the caller answers 409.</summary>
    public static bool IsUniqueViolation(Exception exception) => DatabaseErrors.IsUniqueViolation(exception);
}
