using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>Flat suffix names (Swagger schema ids collide on nested names) and the one public type per module.</summary>
internal static class NamingRules
{
    public static IReadOnlyList<string> SuffixViolations(IEnumerable<Type> types)
    {
        var violations = new List<string>();
        foreach (var type in types.Where(t => t.IsClass && !ContractShape.IsCompilerGenerated(t)))
        {
            if (IsHandler(type) && !type.Name.EndsWith("Handler", StringComparison.Ordinal))
            {
                violations.Add($"{type.FullName} handles MediatR messages; its name must end with 'Handler'.");
            }
            if (IsValidator(type) && !type.Name.EndsWith("Validator", StringComparison.Ordinal))
            {
                violations.Add($"{type.FullName} is a FluentValidation validator; its name must end with 'Validator'.");
            }
            if (IsEndpoint(type) && !type.Name.EndsWith("Endpoint", StringComparison.Ordinal))
            {
                violations.Add($"{type.FullName} maps an endpoint (static Map(IEndpointRouteBuilder)); its name must end with 'Endpoint'.");
            }
        }
        return violations;
    }

    /// <summary>Types of a module assembly visible outside it, other than the static <c>*Module</c> class the host calls.</summary>
    public static IReadOnlyList<string> PublicSurfaceViolations(IEnumerable<Type> types) =>
        types
            .Where(t => t.IsVisible && !ContractShape.IsCompilerGenerated(t) && !IsModuleEntryPoint(t))
            .Select(t => $"{t.FullName} is public; inside a module everything but the *Module class is internal.")
            .ToList();

    public static bool IsHandler(Type type) =>
        !type.IsAbstract
        && type.GetInterfaces().Any(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>) || i.GetGenericTypeDefinition() == typeof(INotificationHandler<>)));

    public static bool IsValidator(Type type)
    {
        if (type.IsAbstract)
        {
            return false;
        }
        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(AbstractValidator<>))
            {
                return true;
            }
        }
        return false;
    }

    public static bool IsEndpoint(Type type) =>
        IsStatic(type)
        && type.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly)
            .Any(m => m.Name == "Map"
                && m.GetParameters() is [var only]
                && typeof(IEndpointRouteBuilder).IsAssignableFrom(only.ParameterType));

    private static bool IsModuleEntryPoint(Type type) =>
        IsStatic(type) && !type.IsNested && type.Name.EndsWith("Module", StringComparison.Ordinal);

    private static bool IsStatic(Type type) => type.IsClass && type.IsAbstract && type.IsSealed;
}
