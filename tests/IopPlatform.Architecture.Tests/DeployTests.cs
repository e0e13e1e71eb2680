using IopPlatform.Architecture.Tests.Checkers;

namespace IopPlatform.Architecture.Tests;

/// <summary>
/// The deployment files stay runnable: compose files start database → migrate (one-shot) → api and set only
/// configuration keys the application reads; the image runs as non-root on 8080; CI runs the whole suite with SQL
/// Server. Each rule is also shown to reject a bad sample.
/// </summary>
public sealed class DeployTests
{
    private static readonly DirectoryInfo Root = Solution.RepositoryRoot();

    private static readonly Lazy<HashSet<string>> Known = new(() => DeployRules.KnownConfigurationKeys(new DirectoryInfo(Path.Combine(Root.FullName, "src"))));

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root.FullName, relative));

    [Theory]
    [InlineData("deploy/compose.yaml")]
    [InlineData("deploy/compose.postgres.yaml")]
    public void Compose_file_starts_database_then_migrate_then_api_with_known_settings(string file) =>
        Expect.None(DeployRules.ComposeViolations(Read(file), Known.Value));

    [Fact]
    public void Sql_server_init_makes_only_the_owner_login_db_owner_and_creates_the_apis_login_without_a_role()
    {
        var init = Read("deploy/sqlserver/init.sql");
        Assert.Contains("ALTER ROLE db_owner ADD MEMBER [$(OwnerLogin)]", init, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"ADD MEMBER \[\$\(AppLogin\)\]", init);
        var compose = Read("deploy/compose.yaml");
        Assert.Contains("AppLogin=iop_api ", compose, StringComparison.Ordinal);
        Assert.Contains("User Id=iop_api;", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_roles_script_creates_the_apis_role_without_superuser_and_gives_the_database_to_the_owner()
    {
        var roles = Read("deploy/postgres/roles.sql");
        Assert.Contains("CREATE ROLE iop_api LOGIN NOSUPERUSER", roles, StringComparison.Ordinal);
        Assert.Contains("CREATE DATABASE iop OWNER iop_owner", roles, StringComparison.Ordinal);
        var compose = Read("deploy/compose.postgres.yaml");
        Assert.Contains("Username=iop_api;", compose, StringComparison.Ordinal);
        Assert.Contains("/docker-entrypoint-initdb.d/", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_builds_with_pinned_sdk_and_packages_and_runs_non_root_on_8080() =>
        Expect.None(DeployRules.DockerfileViolations(Read("deploy/Dockerfile")));

    [Fact]
    public void Ci_workflow_runs_the_test_script_with_sql_server_required() =>
        Expect.None(DeployRules.WorkflowViolations(Read(".github/workflows/ci.yml")));

    [Theory]
    [InlineData("Database:Engine")]
    [InlineData("ConnectionStrings:Iop")]
    [InlineData("Hangfire:ServerEnabled")]
    [InlineData("Auth:Jwt:Authority")]
    [InlineData("Auth:Jwt:Audience")]
    [InlineData("Auth:BootstrapAdminKey")]
    [InlineData("Database:MigrateOnStart")]
    [InlineData("Database:OwnerConnectionString")]
    [InlineData("Cors:AllowedOrigins")]
    public void Known_keys_include_what_the_host_reads(string key) => Assert.Contains(key, Known.Value);

    [Fact]
    public void Known_keys_are_derived_from_code_reads()
    {
        const string Code = """
            var jwt = builder.Configuration.GetSection("Auth:Jwt");
            var authority = jwt["Authority"];
            var on = section.GetValue<bool?>("MigrateOnStart");
            var hooks = configuration.GetSection("Integration:Webhooks").Get<WebhookOptions>();
            var key = configuration["Auth:BootstrapAdminKey"];
            public const string ConfigurationKey = "Outcomes:Threshold";
            """;
        var keys = DeployRules.KeysReadIn(Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Auth:Jwt:Authority", keys);
        Assert.Contains("Auth:Jwt:MigrateOnStart", keys);
        Assert.Contains("Integration:Webhooks:*", keys);
        Assert.Contains("Auth:BootstrapAdminKey", keys);
        Assert.Contains("Outcomes:Threshold", keys);
        Assert.DoesNotContain("Auth:Jwt:Issuer", keys);
    }

    private const string GoodCompose = """
        x-env: &env
          Database__Engine: Postgres
          ConnectionStrings__Iop: "Host=db;Username=iop_api"
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_USER: root_pg
            healthcheck:
              test: ["CMD-SHELL", "pg_isready"]
          migrate:
            image: iop
            command: ["--migrate"]
            environment:
              <<: *env
              Database__OwnerConnectionString: "Host=db;Username=iop_owner"
            depends_on:
              db:
                condition: service_healthy
            restart: "no"
          api:
            image: iop
            environment:
              <<: *env
              ASPNETCORE_ENVIRONMENT: Production
              Integration__Webhooks__TimeoutSeconds: "5"
            ports: ["8080:8080"]
            depends_on:
              migrate:
                condition: service_completed_successfully
        """;

    private static readonly HashSet<string> SampleKeys = new(["Database:Engine", "ConnectionStrings:Iop", "Database:OwnerConnectionString", "Integration:Webhooks:*"], StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Compose_rules_accept_a_good_sample() => Expect.None(DeployRules.ComposeViolations(GoodCompose, SampleKeys));

    [Theory]
    [InlineData("no database service", "image: postgres:16", "image: redis:7")]
    [InlineData("'db' has no healthcheck", "test: [\"CMD-SHELL\", \"pg_isready\"]", "interval: 5s")]
    [InlineData("no 'migrate' service", "  migrate:\n", "  migrator:\n")]
    [InlineData("with --migrate", "command: [\"--migrate\"]", "command: [\"--seed\"]")]
    [InlineData("must not restart", "restart: \"no\"", "restart: always")]
    [InlineData("does not wait for the database", "condition: service_healthy", "condition: service_started")]
    [InlineData("'api' does not depend on 'migrate'", "condition: service_completed_successfully", "condition: service_started")]
    [InlineData("port 8080", "ports: [\"8080:8080\"]", "ports: [\"80:80\"]")]
    [InlineData("Databse__Engine (configuration key Databse:Engine)", "Database__Engine: Postgres", "Databse__Engine: Postgres")]
    [InlineData("'api' sets Hangfire__Workers", "ASPNETCORE_ENVIRONMENT: Production", "Hangfire__Workers: \"2\"")]
    [InlineData("no 'api' service", "  api:\n", "  web:\n")]
    [InlineData("not valid YAML", "services:", "services: [")]
    [InlineData("'api' connects as the owner 'iop_owner'", "Username=iop_api", "Username=iop_owner")]
    [InlineData("'api' connects as the superuser 'root_pg'", "Username=iop_api", "Username=root_pg")]
    [InlineData("'api' connects as the superuser 'sa'", "Username=iop_api", "User Id=sa")]
    [InlineData("'migrate' sets no Database__OwnerConnectionString", "Database__OwnerConnectionString", "Database__MigrateOnStart")]
    [InlineData("'api' sets Database__OwnerConnectionString", "ASPNETCORE_ENVIRONMENT: Production", "Database__OwnerConnectionString: \"Host=db;Username=iop_owner\"")]
    [InlineData("'api' sets no ConnectionStrings__Iop with a user name", "Host=db;Username=iop_api", "Host=db")]
    public void Compose_rules_reject(string expected, string find, string replace)
    {
        var bad = GoodCompose.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(GoodCompose, bad);
        Assert.Contains(DeployRules.ComposeViolations(bad, SampleKeys), v => v.Contains(expected, StringComparison.Ordinal));
    }

    private const string GoodDockerfile = """
        FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
        COPY global.json IopPlatform.sln Directory.Packages.props ./
        RUN dotnet publish \
              -o /app
        FROM mcr.microsoft.com/dotnet/aspnet:10.0
        COPY --from=build /app ./
        # USER root would be wrong
        USER $APP_UID
        EXPOSE 8080
        HEALTHCHECK --interval=30s CMD ["bash", "-c", "true"]
        ENTRYPOINT ["dotnet", "IopPlatform.Api.dll"]
        """;

    [Fact]
    public void Dockerfile_rules_accept_a_good_sample() => Expect.None(DeployRules.DockerfileViolations(GoodDockerfile));

    [Theory]
    [InlineData("no USER", "USER $APP_UID", "")]
    [InlineData("runs as root", "USER $APP_UID", "USER root")]
    [InlineData("runs as root", "USER $APP_UID", "USER 0:0")]
    [InlineData("EXPOSE 8080", "EXPOSE 8080", "EXPOSE 80")]
    [InlineData("no HEALTHCHECK", "HEALTHCHECK --interval=30s CMD [\"bash\", \"-c\", \"true\"]", "HEALTHCHECK NONE")]
    [InlineData("COPY Directory.Packages.props", "global.json IopPlatform.sln Directory.Packages.props ./", "global.json IopPlatform.sln ./")]
    [InlineData("COPY global.json", "global.json IopPlatform.sln Directory.Packages.props ./", "IopPlatform.sln Directory.Packages.props ./")]
    [InlineData("ENTRYPOINT", "IopPlatform.Api.dll", "Other.dll")]
    public void Dockerfile_rules_reject(string expected, string find, string replace)
    {
        var bad = GoodDockerfile.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(GoodDockerfile, bad);
        Assert.Contains(DeployRules.DockerfileViolations(bad), v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_user_in_an_earlier_stage_does_not_count()
    {
        const string Sample = """
            FROM sdk AS build
            USER app
            COPY global.json Directory.Packages.props ./
            FROM aspnet
            EXPOSE 8080
            HEALTHCHECK CMD true
            ENTRYPOINT ["dotnet", "IopPlatform.Api.dll"]
            """;
        Assert.Contains(DeployRules.DockerfileViolations(Sample), v => v.Contains("no USER", StringComparison.Ordinal));
    }

    private const string GoodWorkflow = """
        on: [push]
        jobs:
          test:
            runs-on: ubuntu-latest
            env:
              IOP_REQUIRE_ENGINES: sqlite,postgres,sqlserver
            steps:
              - uses: actions/checkout@v4
              - run: build/test.sh
        """;

    [Fact]
    public void Workflow_rules_accept_a_good_sample() => Expect.None(DeployRules.WorkflowViolations(GoodWorkflow));

    [Theory]
    [InlineData("no step runs build/test.sh", "run: build/test.sh", "run: dotnet test")]
    [InlineData("requires SQL Server", "sqlite,postgres,sqlserver", "sqlite,postgres")]
    [InlineData("has no runs-on", "runs-on: ubuntu-latest", "timeout-minutes: 5")]
    [InlineData("no 'on' triggers", "on: [push]", "name: ci")]
    public void Workflow_rules_reject(string expected, string find, string replace)
    {
        var bad = GoodWorkflow.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(GoodWorkflow, bad);
        Assert.Contains(DeployRules.WorkflowViolations(bad), v => v.Contains(expected, StringComparison.Ordinal));
    }
}
