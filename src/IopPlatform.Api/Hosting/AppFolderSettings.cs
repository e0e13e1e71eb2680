using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// The host reads appsettings*.json from its content root, which is the working directory: started from another
/// folder (<c>dotnet /app/IopPlatform.Api.dll</c> from /), it silently lost its settings while the SQLite path stayed
/// relative to the app. When the content root has no appsettings.json, the files next to the app are read instead, in
/// the same place among the sources, so environment variables and the command line still override them.
/// </summary>
internal static class AppFolderSettings
{
    public static void Apply(WebApplicationBuilder builder, string appFolder)
    {
        var contentRoot = builder.Environment.ContentRootPath;
        if (File.Exists(Path.Combine(contentRoot, "appsettings.json")) || !File.Exists(Path.Combine(appFolder, "appsettings.json")))
        {
            return;
        }
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        var files = new PhysicalFileProvider(appFolder);
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                sources[i] = new JsonConfigurationSource { Path = path, Optional = json.Optional, ReloadOnChange = json.ReloadOnChange, FileProvider = files };
            }
        }
    }
}
