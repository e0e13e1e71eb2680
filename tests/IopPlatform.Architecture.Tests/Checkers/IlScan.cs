using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>A call found in compiled code: the method called and where (the user-visible type and method).</summary>
internal sealed record IlCall(MethodBase Callee, string Location);

/// <summary>
/// Reads method bodies of compiled assemblies (async state machines and lambdas included) for calls and string
/// literals, so rules judge what the code does, not how its source is spelled.
/// </summary>
internal static class IlScan
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IReadOnlyList<IlCall> Calls(Assembly assembly)
    {
        var calls = new List<IlCall>();
        foreach (var (method, il) in Bodies(assembly))
        {
            foreach (var (opCode, token) in Instructions(il))
            {
                if (opCode.OperandType != OperandType.InlineMethod)
                {
                    continue;
                }
                try
                {
                    var callee = method.Module.ResolveMethod(token, GenericArguments(method.DeclaringType), method.IsGenericMethod ? method.GetGenericArguments() : null);
                    if (callee is not null)
                    {
                        calls.Add(new IlCall(callee, LocationOf(method)));
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException)
                {
                    // A token into an assembly that is not deployed next to the tests names nothing a rule judges.
                }
            }
        }
        return calls;
    }

    /// <summary>Every string literal loaded by code (the pieces of interpolated strings included) and every const string.</summary>
    public static IReadOnlyList<string> Strings(Assembly assembly)
    {
        var strings = StringConstants.In(assembly).Select(c => c.Value).ToList();
        foreach (var (method, il) in Bodies(assembly))
        {
            foreach (var (opCode, token) in Instructions(il))
            {
                if (opCode.OperandType == OperandType.InlineString)
                {
                    strings.Add(method.Module.ResolveString(token));
                }
            }
        }
        return strings;
    }

    private static IEnumerable<(MethodBase Method, byte[] Il)> Bodies(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Solution.TypesOf(assembly))
        {
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                var il = method.GetMethodBody()?.GetILAsByteArray();
                if (il is not null)
                {
                    yield return (method, il);
                }
            }
        }
    }

    /// <summary>Opcodes with their 4-byte token operand (0 for other operands), walking operand sizes exactly.</summary>
    private static IEnumerable<(OpCode OpCode, int Token)> Instructions(byte[] il)
    {
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at];
            at++;
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[at]));
                at++;
            }
            var opCode = OpCodesByValue[value];
            var token = 0;
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (BitConverter.ToInt32(il, at) * 4);
                    break;
                default:
                    token = BitConverter.ToInt32(il, at);
                    at += 4;
                    break;
            }
            yield return (opCode, token);
        }
    }

    private static Type[]? GenericArguments(Type? type) => type is { IsGenericType: true } ? type.GetGenericArguments() : null;

    /// <summary>The type a developer wrote: compiler-generated state machines and closures report their outer type.</summary>
    private static string LocationOf(MethodBase method)
    {
        var type = method.DeclaringType!;
        while (type.IsNested && type.GetCustomAttribute<CompilerGeneratedAttribute>() is not null)
        {
            type = type.DeclaringType!;
        }
        var name = method.DeclaringType == type ? method.Name : method.DeclaringType!.Name;
        // "<Handle>d__10" (an async method's state machine) or "<>c" (lambdas): the method's own name where it shows.
        return $"{type.FullName}.{(name.StartsWith('<') && name.IndexOf('>', StringComparison.Ordinal) > 1 ? name[1..name.IndexOf('>', StringComparison.Ordinal)] : name)}";
    }
}
