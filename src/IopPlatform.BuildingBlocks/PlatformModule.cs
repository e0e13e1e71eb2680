using IopPlatform.BuildingBlocks.Modules;

namespace IopPlatform.BuildingBlocks;

/// <summary>
/// The platform's own tables (prefix <c>platform_</c>): the audit trail and idempotency records. They migrate first,
/// like a module, from scripts embedded in this assembly.
/// </summary>
public static class PlatformModule
{
    public static ModuleDescriptor Descriptor { get; } = new("platform", typeof(PlatformModule).Assembly, MigrationOrder: -1);
}
