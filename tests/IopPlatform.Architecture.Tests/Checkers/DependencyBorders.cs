using System.Reflection;
using System.Runtime.CompilerServices;
using NetArchTest.Rules;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>NetArchTest view of the borders: types of one assembly that use any type of a forbidden assembly.</summary>
internal static class DependencyBorders
{
    public static IReadOnlyList<string> TypesDependingOn(Assembly subject, IEnumerable<Assembly> forbidden, string? inNamespace = null)
    {
        // Full type names, not namespaces: NetArchTest matches by prefix, and "IopPlatform.Scheduling" would also match
        // the allowed "IopPlatform.Scheduling.Contracts".
        var forbiddenNames = forbidden
            .SelectMany(Solution.TypesOf)
            .Where(t => !t.IsNested && !t.IsDefined(typeof(CompilerGeneratedAttribute), false) && t.FullName is not null)
            .Select(t => t.FullName!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (forbiddenNames.Length == 0)
        {
            return [];
        }
        var types = Types.InAssembly(subject);
        var result = inNamespace is null
            ? types.Should().NotHaveDependencyOnAny(forbiddenNames).GetResult()
            : types.That().ResideInNamespaceStartingWith(inNamespace).Should().NotHaveDependencyOnAny(forbiddenNames).GetResult();
        return result.IsSuccessful ? [] : [.. result.FailingTypeNames ?? []];
    }
}
