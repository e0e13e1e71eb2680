namespace IopPlatform.Engagement.Infrastructure;

internal static class DbErrors
{
    /// <summary>A unique index refused the row: a concurrent job server or reaction got there first.</summary>
    public static bool IsUniqueViolation(Exception exception) => BuildingBlocks.Data.DatabaseErrors.IsUniqueViolation(exception);
}
