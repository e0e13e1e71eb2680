using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace IopPlatform.Architecture.Tests.Checkers;

/// <summary>
/// Rules for the deployment files (deploy/compose*.yaml, deploy/Dockerfile, the CI workflow), written as functions of
/// the file text so each rule can be shown to reject a bad sample.
/// </summary>
internal static partial class DeployRules
{
    private const string MigrateService = "migrate";
    private const string ApiService = "api";
    private static readonly string[] DatabaseImages = ["postgres", "mcr.microsoft.com/mssql/server"];

    /// <summary>Host-level settings read by ASP.NET Core / .NET / OpenTelemetry themselves, not by our configuration.</summary>
    private static readonly string[] FrameworkEnvironmentPrefixes = ["ASPNETCORE_", "DOTNET_", "OTEL_"];

    // ---- compose --------------------------------------------------------------------------------------

    public static IEnumerable<string> ComposeViolations(string yaml, IReadOnlySet<string> knownKeys)
    {
        YamlMappingNode root;
        try
        {
            root = Root(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            return [$"not valid YAML: {ex.Message}"];
        }
        return ComposeViolations(root, knownKeys).ToList();
    }

    private static IEnumerable<string> ComposeViolations(YamlMappingNode root, IReadOnlySet<string> knownKeys)
    {
        if (Child(root, "services") is not YamlMappingNode services)
        {
            yield return "no services";
            yield break;
        }
        var byName = services.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => Merged(c.Value), StringComparer.Ordinal);

        // A one-shot on the database image (restart: "no", e.g. creating the login) is a helper, not the server.
        var databases = byName
            .Where(s => Scalar(s.Value, "image") is { } image && DatabaseImages.Any(d => image.StartsWith(d, StringComparison.Ordinal)))
            .Where(s => Scalar(s.Value, "restart") != "no")
            .ToList();
        if (databases.Count == 0)
        {
            yield return "no database service (an image of " + string.Join(" or ", DatabaseImages) + ")";
        }
        foreach (var (name, db) in databases)
        {
            if (Child(db, "healthcheck") is not YamlMappingNode health || Child(health, "test") is null || Scalar(health, "disable") == "true")
            {
                yield return $"database service '{name}' has no healthcheck test";
            }
        }

        if (!byName.TryGetValue(MigrateService, out var migrate))
        {
            yield return $"no '{MigrateService}' service";
        }
        else
        {
            if (!Strings(Child(migrate, "command")).Contains("--migrate"))
            {
                yield return $"'{MigrateService}' does not run the API with --migrate";
            }
            if (Scalar(migrate, "restart") is not ("no" or null))
            {
                yield return $"'{MigrateService}' is a one-shot and must not restart (restart: \"no\")";
            }
            if (!DependsOn(migrate).Values.Any(c => c is "service_healthy" or "service_completed_successfully"))
            {
                yield return $"'{MigrateService}' does not wait for the database (depends_on with condition service_healthy or service_completed_successfully)";
            }
            foreach (var unknown in UnknownKeys(EnvironmentNames(migrate), knownKeys))
            {
                yield return $"'{MigrateService}' sets {unknown}";
            }
        }

        if (!byName.TryGetValue(ApiService, out var api))
        {
            yield return $"no '{ApiService}' service";
            yield break;
        }
        if (!DependsOn(api).TryGetValue(MigrateService, out var condition) || condition != "service_completed_successfully")
        {
            yield return $"'{ApiService}' does not depend on '{MigrateService}' with condition service_completed_successfully";
        }
        if (Child(api, "healthcheck") is YamlMappingNode apiHealth && Scalar(apiHealth, "disable") == "true")
        {
            yield return $"'{ApiService}' disables the image's healthcheck";
        }
        if (!Strings(Child(api, "ports")).Any(p => p.EndsWith(":8080", StringComparison.Ordinal) || p == "8080"))
        {
            yield return $"'{ApiService}' does not publish container port 8080";
        }
        foreach (var unknown in UnknownKeys(EnvironmentNames(api), knownKeys))
        {
            yield return $"'{ApiService}' sets {unknown}";
        }
        foreach (var violation in LeastPrivilegeViolations(byName, migrate, api))
        {
            yield return violation;
        }
    }

    /// <summary>
    /// Least privilege (issue 19): the API connects as a user that is neither the schema's owner (the migrate service's
    /// <c>Database__OwnerConnectionString</c>) nor the server's superuser, and never sees the owner's connection string.
    /// </summary>
    private static IEnumerable<string> LeastPrivilegeViolations(Dictionary<string, YamlMappingNode> services, YamlMappingNode? migrate, YamlMappingNode api)
    {
        const string AppKey = "ConnectionStrings__Iop";
        const string OwnerKey = "Database__OwnerConnectionString";
        var apiEnv = Env(Child(api, "environment"));
        var appUser = apiEnv.TryGetValue(AppKey, out var app) ? ConnectionUser(app) : null;
        if (appUser is null)
        {
            yield return $"'{ApiService}' sets no {AppKey} with a user name";
            yield break;
        }
        if (apiEnv.ContainsKey(OwnerKey))
        {
            yield return $"'{ApiService}' sets {OwnerKey}: only '{MigrateService}' may know the owner's password";
        }
        var ownerUser = migrate is not null && Env(Child(migrate, "environment")).TryGetValue(OwnerKey, out var owner) ? ConnectionUser(owner) : null;
        if (ownerUser is null)
        {
            yield return $"'{MigrateService}' sets no {OwnerKey} with a user name: migrations would run as the API's user";
        }
        else if (string.Equals(ownerUser, appUser, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"'{ApiService}' connects as the owner '{ownerUser}'";
        }
        var superusers = services.Values
            .Where(s => Scalar(s, "image") is { } image && image.StartsWith("postgres", StringComparison.Ordinal))
            .Select(s => Env(Child(s, "environment")).GetValueOrDefault("POSTGRES_USER") ?? "postgres")
            .Append("sa");
        if (superusers.Contains(appUser, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"'{ApiService}' connects as the superuser '{appUser}'";
        }
    }

    private static string? ConnectionUser(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return null;
        }
        return new[] { "Username", "User Id", "User", "UID", "User Name" }
            .Select(k => builder.TryGetValue(k, out var v) ? v as string : null)
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
    }

    /// <summary>Environment variable names (as written) that map to no configuration key the application reads.</summary>
    public static IEnumerable<string> UnknownKeys(IEnumerable<string> environmentNames, IReadOnlySet<string> knownKeys)
    {
        foreach (var name in environmentNames)
        {
            if (FrameworkEnvironmentPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            if (!knownKeys.Contains(key) && !knownKeys.Any(k => k.EndsWith(":*", StringComparison.Ordinal) && key.StartsWith(k[..^1], StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{name} (configuration key {key}), which the application does not read";
            }
        }
    }

    // ---- configuration keys -----------------------------------------------------------------------------

    /// <summary>
    /// The configuration keys the application reads: every key of the appsettings.json files under src, plus the keys
    /// the code reads by name (<c>GetSection("A:B")</c> with <c>["C"]</c> / <c>GetValue("C")</c> in the same file,
    /// literal paths such as <c>"Auth:BootstrapAdminKey"</c>), plus <c>Section:*</c> for sections bound to an options
    /// class as a whole (<c>GetSection("X").Get&lt;T&gt;()</c>). Case-insensitive like .NET configuration.
    /// </summary>
    public static HashSet<string> KnownConfigurationKeys(DirectoryInfo src)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in src.EnumerateFiles("appsettings*.json", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f)))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file.FullName), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            Flatten(document.RootElement, null, keys);
        }
        foreach (var file in src.EnumerateFiles("*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f)))
        {
            keys.UnionWith(KeysReadIn(File.ReadAllText(file.FullName)));
        }
        return keys;
    }

    public static IEnumerable<string> KeysReadIn(string code)
    {
        var sections = SectionRead().Matches(code).Select(m => m.Groups["path"].Value).Distinct(StringComparer.Ordinal).ToList();
        var members = MemberRead().Matches(code).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal).ToList();
        foreach (var section in sections)
        {
            yield return section;
            foreach (var member in members)
            {
                yield return section + ":" + member;
            }
        }
        foreach (Match bound in SectionBound().Matches(code))
        {
            yield return bound.Groups["path"].Value + ":*";
        }
        foreach (Match literal in LiteralPath().Matches(code))
        {
            yield return literal.Groups["path"].Value;
        }
    }

    private static bool IsBuildOutput(FileInfo file) =>
        file.FullName.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj");

    private static void Flatten(JsonElement element, string? prefix, HashSet<string> keys)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            if (prefix is not null)
            {
                keys.Add(prefix);
            }
            return;
        }
        foreach (var property in element.EnumerateObject())
        {
            Flatten(property.Value, prefix is null ? property.Name : prefix + ":" + property.Name, keys);
        }
    }

    [GeneratedRegex("""GetSection\("(?<path>[A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)*)"\)""")]
    private static partial Regex SectionRead();

    [GeneratedRegex("""GetSection\("(?<path>[A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)*)"\)\s*\.\s*(?:Get<|Bind\()""")]
    private static partial Regex SectionBound();

    [GeneratedRegex("""(?:\["|GetValue(?:<[^>]+>)?\(")(?<name>[A-Z][A-Za-z0-9]*)"[\],)]""")]
    private static partial Regex MemberRead();

    [GeneratedRegex("""(?:GetValue(?:<[^>]+>)?\(|GetSection\(|Configuration\[|configuration\[|const string \w+ = )"(?<path>[A-Z][A-Za-z0-9]*(?::[A-Z][A-Za-z0-9]*)+)""")]
    private static partial Regex LiteralPath();

    // ---- Dockerfile -----------------------------------------------------------------------------------

    public static IEnumerable<string> DockerfileViolations(string dockerfile)
    {
        var instructions = Instructions(dockerfile).ToList();
        var lastFrom = instructions.FindLastIndex(i => i.Name == "FROM");
        if (lastFrom < 0)
        {
            yield return "no FROM";
            yield break;
        }
        var final = instructions.Skip(lastFrom + 1).ToList();
        var user = final.LastOrDefault(i => i.Name == "USER");
        if (user is null)
        {
            yield return "the final stage has no USER (it would run as root)";
        }
        else if (user.Arguments.Split(':')[0] is "root" or "0")
        {
            yield return $"the final stage runs as root (USER {user.Arguments})";
        }
        if (!final.Any(i => i.Name == "EXPOSE" && i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(p => p is "8080" or "8080/tcp")))
        {
            yield return "the final stage does not EXPOSE 8080";
        }
        if (!final.Any(i => i.Name == "HEALTHCHECK" && !i.Arguments.Trim().Equals("NONE", StringComparison.OrdinalIgnoreCase)))
        {
            yield return "the final stage has no HEALTHCHECK";
        }
        if (!final.Any(i => i.Name == "ENTRYPOINT" && i.Arguments.Contains("IopPlatform.Api.dll", StringComparison.Ordinal)))
        {
            yield return "the final stage does not start IopPlatform.Api.dll (ENTRYPOINT)";
        }
        var copied = instructions.Where(i => i.Name == "COPY").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1)).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "Directory.Packages.props", "global.json" })
        {
            if (!copied.Contains(required))
            {
                yield return $"the build does not COPY {required}";
            }
        }
    }

    public sealed record Instruction(string Name, string Arguments);

    /// <summary>Dockerfile instructions with continuation lines joined and comments dropped.</summary>
    public static IEnumerable<Instruction> Instructions(string dockerfile)
    {
        var current = "";
        foreach (var raw in dockerfile.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }
            current += line;
            var parts = current.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            current = "";
            if (parts.Length > 0)
            {
                yield return new Instruction(parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : "");
            }
        }
    }

    // ---- CI workflow ----------------------------------------------------------------------------------

    public static IEnumerable<string> WorkflowViolations(string yaml)
    {
        YamlMappingNode root;
        try
        {
            root = Root(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            return [$"not valid YAML: {ex.Message}"];
        }
        var violations = new List<string>();
        if (Child(root, "on") is null)
        {
            violations.Add("no 'on' triggers");
        }
        if (Child(root, "jobs") is not YamlMappingNode jobs || jobs.Children.Count == 0)
        {
            violations.Add("no jobs");
            return violations;
        }
        var runs = new List<(string Job, string Run, Dictionary<string, string> Env)>();
        foreach (var (key, value) in jobs.Children)
        {
            var job = (YamlMappingNode)value;
            var jobEnv = Env(Child(job, "env"));
            if (Scalar(job, "runs-on") is null && Child(job, "runs-on") is null)
            {
                violations.Add($"job '{key}' has no runs-on");
            }
            foreach (var step in (Child(job, "steps") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [])
            {
                if (Scalar(step, "run") is { } run)
                {
                    var env = new Dictionary<string, string>(jobEnv, StringComparer.Ordinal);
                    foreach (var (name, v) in Env(Child(step, "env")))
                    {
                        env[name] = v;
                    }
                    runs.Add((((YamlScalarNode)key).Value ?? "", run, env));
                }
            }
        }
        var tests = runs.Where(r => r.Run.Contains("build/test.sh", StringComparison.Ordinal)).ToList();
        if (tests.Count == 0)
        {
            violations.Add("no step runs build/test.sh");
        }
        if (!runs.Any(r => r.Run.Contains("dotnet build", StringComparison.Ordinal)) && tests.Count == 0)
        {
            violations.Add("no step builds the solution");
        }
        if (!tests.Any(t => t.Env.TryGetValue("IOP_REQUIRE_ENGINES", out var engines) && engines.Split(',').Select(e => e.Trim()).Contains("sqlserver")))
        {
            violations.Add("no build/test.sh run requires SQL Server (IOP_REQUIRE_ENGINES with sqlserver)");
        }
        return violations;
    }

    // ---- YAML helpers ---------------------------------------------------------------------------------

    private static YamlMappingNode Root(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new YamlDotNet.Core.YamlException("the document is not a mapping");
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    /// <summary>A mapping with its YAML merge keys (<c>&lt;&lt;: *anchor</c>) applied; own keys win.</summary>
    private static YamlMappingNode Merged(YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            return new YamlMappingNode();
        }
        var result = new YamlMappingNode();
        if (Child(mapping, "<<") is { } merge)
        {
            var sources = merge is YamlSequenceNode many ? many.Children : [merge];
            foreach (var source in sources)
            {
                foreach (var (key, value) in Merged(source).Children)
                {
                    result.Children[key] = value;
                }
            }
        }
        foreach (var (key, value) in mapping.Children)
        {
            if (key is YamlScalarNode { Value: "<<" })
            {
                continue;
            }
            result.Children[key] = value is YamlMappingNode nested ? Merged(nested) : value;
        }
        return result;
    }

    private static List<string> Strings(YamlNode? node) => node switch
    {
        YamlScalarNode s when s.Value is not null => [s.Value],
        YamlSequenceNode seq => [.. seq.Children.OfType<YamlScalarNode>().Select(c => c.Value ?? "")],
        _ => [],
    };

    private static Dictionary<string, string> DependsOn(YamlMappingNode service) => Child(service, "depends_on") switch
    {
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().ToDictionary(c => c.Value ?? "", _ => "service_started", StringComparer.Ordinal),
        YamlMappingNode map => map.Children.ToDictionary(
            c => ((YamlScalarNode)c.Key).Value ?? "",
            c => c.Value is YamlMappingNode m ? Scalar(m, "condition") ?? "service_started" : "service_started",
            StringComparer.Ordinal),
        _ => [],
    };

    private static List<string> EnvironmentNames(YamlMappingNode service) => [.. Env(Child(service, "environment")).Keys];

    private static Dictionary<string, string> Env(YamlNode? node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => (c.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal),
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(c => (c.Value ?? "").Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal),
        _ => [],
    };
}
