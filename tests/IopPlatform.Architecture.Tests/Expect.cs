namespace IopPlatform.Architecture.Tests;

internal static class Expect
{
    /// <summary>Fails with every violation listed, one a line, so a red build says what to fix.</summary>
    public static void None(IEnumerable<string> violations)
    {
        var list = violations.ToList();
        Assert.True(list.Count == 0, $"{list.Count} violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, list)}");
    }
}

internal static class Data
{
    public static TheoryData<string> ProductAssemblies() => new(Checkers.Solution.DiscoveredProductAssemblyNames());

    public static TheoryData<string> Modules() => new(Checkers.Solution.Modules.Select(m => m.Name));
}
