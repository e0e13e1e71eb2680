using System.Reflection;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>A business module: its project name and the table prefix its SQL owns.</summary>
internal sealed record ModuleInfo(string Name, string TablePrefix)
{
    public string AssemblyName => $"IopPlatform.{Name}";

    public string ContractsAssemblyName => $"IopPlatform.{Name}.Contracts";
}

/// <summary>What kind of project an IopPlatform assembly is; the border rules depend on it.</summary>
internal enum ProjectKind
{
    Unknown,
    Api,
    BuildingBlocks,
    Module,
    Contracts,
}

/// <summary>The product's assemblies as the rules see them. Adding a module means adding it here, on purpose.</summary>
internal static class Solution
{
    public const string Api = "IopPlatform.Api";
    public const string BuildingBlocks = "IopPlatform.BuildingBlocks";
    public const string PlatformPrefix = "platform";

    public static readonly IReadOnlyList<ModuleInfo> Modules =
    [
        new("Enrollment", "enrollment"),
        new("Scheduling", "scheduling"),
        new("ClinicalNotes", "clinical_notes"),
        new("Outcomes", "outcomes"),
        new("Integration", "integration"),
        new("Engagement", "engagement"),
        new("Fhir", "fhir"),
    ];

    /// <summary>Every table prefix that has an owner: the modules and the platform (BuildingBlocks).</summary>
    public static IReadOnlyList<string> AllPrefixes => [.. Modules.Select(m => m.TablePrefix), PlatformPrefix];

    public static ProjectKind KindOf(string assemblyName)
    {
        if (assemblyName == Api)
        {
            return ProjectKind.Api;
        }
        if (assemblyName == BuildingBlocks)
        {
            return ProjectKind.BuildingBlocks;
        }
        if (Modules.Any(m => m.AssemblyName == assemblyName))
        {
            return ProjectKind.Module;
        }
        return Modules.Any(m => m.ContractsAssemblyName == assemblyName) ? ProjectKind.Contracts : ProjectKind.Unknown;
    }

    public static bool IsProductName(string assemblyName) =>
        assemblyName.StartsWith("IopPlatform.", StringComparison.Ordinal)
        && !assemblyName.EndsWith(".Tests", StringComparison.Ordinal)
        && assemblyName != "IopPlatform.Testing";

    /// <summary>The table prefix an assembly's SQL may name: a module's own (Contracts count as the module), else the platform's.</summary>
    public static string OwnerPrefixOf(string assemblyName)
    {
        var module = Modules.SingleOrDefault(m => m.AssemblyName == assemblyName || m.ContractsAssemblyName == assemblyName);
        return module?.TablePrefix ?? PlatformPrefix;
    }

    public static Assembly Load(string assemblyName) => Assembly.Load(new AssemblyName(assemblyName));

    public static Assembly ModuleAssembly(ModuleInfo module) => Load(module.AssemblyName);

    public static Assembly ContractsAssembly(ModuleInfo module) => Load(module.ContractsAssemblyName);

    public static ModuleInfo Module(string name) => Modules.Single(m => m.Name == name);

    /// <summary>Product assembly names found next to the tests (the Api's references are copied there).</summary>
    public static IReadOnlyList<string> DiscoveredProductAssemblyNames() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "IopPlatform.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(IsProductName)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<Assembly> ProductAssemblies() => [.. DiscoveredProductAssemblyNames().Select(Load)];

    /// <summary>Types of an assembly, surviving types that fail to load (a rule should report, not crash).</summary>
    public static IReadOnlyList<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return [.. ex.Types.OfType<Type>()];
        }
    }

    /// <summary>The folder holding IopPlatform.sln, found by walking up from the test binaries.</summary>
    public static DirectoryInfo RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IopPlatform.sln")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException($"IopPlatform.sln not found above {AppContext.BaseDirectory}.");
    }
}
