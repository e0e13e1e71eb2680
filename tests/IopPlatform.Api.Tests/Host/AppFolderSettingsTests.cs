using IopPlatform.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace IopPlatform.Api.Tests.Host;

/// <summary>Started from another folder, the host still reads the appsettings next to the app (issue 19 item 6).</summary>
public sealed class AppFolderSettingsTests : IDisposable
{
    private const string NoWatch = "--hostBuilder:reloadConfigOnChange=false";

    private readonly string _appFolder = Directory.CreateTempSubdirectory("iop-app-").FullName;
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("iop-cwd-").FullName;

    public AppFolderSettingsTests()
    {
        File.WriteAllText(Path.Combine(_appFolder, "appsettings.json"), """{"Probe":{"Base":"app","Overridden":"app"}}""");
        File.WriteAllText(Path.Combine(_appFolder, "appsettings.Development.json"), """{"Probe":{"Environment":"development"}}""");
    }

    [Fact]
    public void Settings_next_to_the_app_are_read_when_started_from_another_folder_and_the_command_line_still_wins()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ["--Probe:Overridden=command-line", NoWatch],
            ContentRootPath = _elsewhere,
            EnvironmentName = "Development",
        });
        Assert.Null(builder.Configuration["Probe:Base"]);

        AppFolderSettings.Apply(builder, _appFolder);

        Assert.Equal("app", builder.Configuration["Probe:Base"]);
        Assert.Equal("development", builder.Configuration["Probe:Environment"]);
        Assert.Equal("command-line", builder.Configuration["Probe:Overridden"]);
    }

    [Fact]
    public void A_content_root_with_its_own_settings_is_left_alone()
    {
        File.WriteAllText(Path.Combine(_elsewhere, "appsettings.json"), """{"Probe":{"Base":"content-root"}}""");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [NoWatch], ContentRootPath = _elsewhere, EnvironmentName = "Development" });

        AppFolderSettings.Apply(builder, _appFolder);

        Assert.Equal("content-root", builder.Configuration["Probe:Base"]);
    }

    public void Dispose()
    {
        Directory.Delete(_appFolder, recursive: true);
        Directory.Delete(_elsewhere, recursive: true);
    }
}
