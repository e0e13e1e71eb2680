using Microsoft.AspNetCore.Routing;

namespace IopPlatform.BuildingBlocks.Modules;

/// <summary>
/// How a module maps its HTTP surface: every feature's endpoint class (a static class named <c>…Endpoint</c> with
/// <c>static void Map(IEndpointRouteBuilder)</c>) is found in the module's assembly and mapped on one route group tagged
/// for the OpenAPI document, so a new feature cannot be left unmapped and no module keeps a hand-written list.
/// </summary>
public static class ModuleEndpoints
{
    /// <summary>Maps the module's feature endpoints (those <paramref name="include"/> accepts, default all) on a group tagged <paramref name="tag"/>.</summary>
    public static RouteGroupBuilder MapFeatureEndpoints(this IEndpointRouteBuilder api, Assembly module, string tag, Func<Type, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(module);
        var group = api.MapGroup(string.Empty).WithTags(tag);
        foreach (var map in FeatureMaps(module).Where(m => include?.Invoke(m.DeclaringType!) ?? true))
        {
            map.CreateDelegate<Action<IEndpointRouteBuilder>>()(group);
        }
        return group;
    }

    /// <summary>The <c>Map</c> method of each endpoint class of the assembly, in type-name order.</summary>
    public static IReadOnlyList<MethodInfo> FeatureMaps(Assembly module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true, IsGenericType: false } && t.Name.EndsWith("Endpoint", StringComparison.Ordinal))
            .Select(t => t.GetMethod("Map", BindingFlags.Public | BindingFlags.Static, [typeof(IEndpointRouteBuilder)]))
            .Where(m => m is { ReturnType: var r } && r == typeof(void))
            .Select(m => m!)
            .OrderBy(m => m.DeclaringType!.FullName, StringComparer.Ordinal)
            .ToList();
    }
}
