using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>SQL Server syntax without a server: ScriptDom's T-SQL 16 parser (syntax only, names are not resolved).</summary>
internal static partial class TSqlSyntax
{
    /// <summary>Parse errors of a script; <c>GO</c> batch separators are understood.</summary>
    public static IReadOnlyList<string> Errors(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        return errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").ToList();
    }

    /// <summary>
    /// A constant that is a whole statement (upper-case leading keyword, as the code style writes SQL), not a fragment
    /// such as a column list, and not prose that happens to start with "Update".
    /// </summary>
    public static bool LooksLikeStatement(string value) => StatementStart().IsMatch(value);

    /// <summary>
    /// A statement template completed at run time (an IN list appended after a trailing WHERE/AND, or a <c>{0}</c> hole)
    /// gets a neutral predicate in each hole, so the rest of it is still checked.
    /// </summary>
    public static string FillTemplateHoles(string sql)
    {
        var filled = TemplateHole().Replace(sql, "1 = 1");
        return TrailingConnective().IsMatch(filled) ? filled.TrimEnd() + " 1 = 1" : filled;
    }

    [GeneratedRegex(@"\{\d+\}", RegexOptions.CultureInvariant)]
    private static partial Regex TemplateHole();

    [GeneratedRegex(@"\b(WHERE|AND|OR)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingConnective();

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE)\s", RegexOptions.CultureInvariant)]
    private static partial Regex StatementStart();
}
