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

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE)\s", RegexOptions.CultureInvariant)]
    private static partial Regex StatementStart();
}
