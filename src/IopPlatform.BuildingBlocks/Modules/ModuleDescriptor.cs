namespace IopPlatform.BuildingBlocks.Modules;

/// <summary>
/// What a module tells the host about itself: its name (table prefix and journal name) and the assembly holding its
/// handlers, validators and migrations.
/// </summary>
public sealed record ModuleDescriptor(string Name, Assembly Assembly, int MigrationOrder);
