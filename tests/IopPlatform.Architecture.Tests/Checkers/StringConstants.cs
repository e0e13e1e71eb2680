using System.Reflection;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>A <c>const string</c> compiled into an assembly (interpolated constants arrive fully expanded).</summary>
internal sealed record StringConstant(string Location, string Value);

internal static class StringConstants
{
    /// <summary>Every string literal field of every type, nested and compiler-generated ones included.</summary>
    public static IReadOnlyList<StringConstant> In(Assembly assembly) =>
        Solution.TypesOf(assembly)
            .SelectMany(type => type
                .GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => new StringConstant($"{type.FullName}.{f.Name}", (string?)f.GetRawConstantValue() ?? string.Empty)))
            .ToList();
}
