using System.Reflection;
using System.Runtime.CompilerServices;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>A Contracts assembly holds only public sealed records, public enums and static code vocabularies (plus what the compiler adds).</summary>
internal static class ContractShape
{
    public static IReadOnlyList<string> Violations(IEnumerable<Type> types)
    {
        var violations = new List<string>();
        foreach (var type in types.Where(t => !IsCompilerGenerated(t)))
        {
            if (type.IsNested)
            {
                violations.Add($"{type.FullName} is nested; contracts are top-level public records or enums.");
            }
            else if (!type.IsPublic)
            {
                violations.Add($"{type.FullName} is not public; Contracts hold only the public surface.");
            }
            else if (type.IsEnum || IsCodeVocabulary(type))
            {
                continue;
            }
            else if (!type.IsClass || !IsRecord(type))
            {
                violations.Add($"{type.FullName} is not a record or an enum.");
            }
            else if (!type.IsSealed)
            {
                violations.Add($"{type.FullName} is a record but not sealed.");
            }
        }
        return violations;
    }

    /// <summary>Record classes carry a compiler-made <c>&lt;Clone&gt;$</c> method and an <c>EqualityContract</c> property.</summary>
    public static bool IsRecord(Type type) =>
        type.GetMethod("<Clone>$", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic) is not null
        || type.GetProperty("EqualityContract", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) is not null;

    /// <summary>
    /// A static class of string codes shared by modules (e.g. consent information categories): only constants and
    /// static read-only fields, no methods, no state.
    /// </summary>
    public static bool IsCodeVocabulary(Type type) =>
        type is { IsAbstract: true, IsSealed: true }
        && type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly).Length == 0
        && type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly).Length == 0
        && type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .All(f => f.IsLiteral || f.IsInitOnly);

    public static bool IsCompilerGenerated(Type type) =>
        type.IsDefined(typeof(CompilerGeneratedAttribute), false) || type.Name.StartsWith('<');
}
