using Dapper;
using IopPlatform.BuildingBlocks.Data;

namespace IopPlatform.Bench.Baseline;

/// <summary>
/// The benchmark's floor: the same single-row patient read as GET /api/v1/patients/{id}, through the same connection
/// factory and Dapper mapping, with no authentication, MediatR, validation, audit, problem details or middleware.
/// Configuration as the API: Database__Engine, ConnectionStrings__Iop; --urls http://127.0.0.1:PORT.
/// </summary>
internal static class Program
{
    private const string Select = """
        SELECT id, mrn, given_name AS GivenName, family_name AS FamilyName, date_of_birth AS DateOfBirth, sex_at_birth AS SexAtBirth,
               gender_identity AS GenderIdentity, phone, email, address_line1 AS AddressLine1, address_line2 AS AddressLine2,
               address_city AS AddressCity, address_region AS AddressRegion, address_postal_code AS AddressPostalCode,
               address_country AS AddressCountry, preferred_language AS PreferredLanguage, emergency_name AS EmergencyName,
               emergency_relationship AS EmergencyRelationship, emergency_phone AS EmergencyPhone, version,
               created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM enrollment_patient WHERE id = @Id
        """;

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var options = new DatabaseOptions
        {
            Engine = Enum.Parse<DatabaseEngine>(builder.Configuration["Database:Engine"] ?? "Sqlite", ignoreCase: true),
            ConnectionString = builder.Configuration.GetConnectionString("Iop") ?? throw new InvalidOperationException("ConnectionStrings__Iop is required"),
        };
        builder.Services.AddSingleton<IDbConnectionFactory>(new DbConnectionFactory(options));
        var app = builder.Build();
        app.MapGet("/patients/{id:guid}", async (Guid id, IDbConnectionFactory db, CancellationToken ct) =>
        {
            await using var connection = await db.OpenAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<PatientRow>(new CommandDefinition(Select, new { Id = id }, cancellationToken: ct));
            return row is null ? Results.NotFound() : Results.Ok(row);
        });
        app.MapGet("/health", () => Results.Ok("ok"));
        app.Run();
    }
}

/// <summary>The same columns the API's patient read returns.</summary>
internal sealed class PatientRow
{
    public Guid Id { get; init; }

    public string Mrn { get; init; } = string.Empty;

    public string GivenName { get; init; } = string.Empty;

    public string FamilyName { get; init; } = string.Empty;

    public DateOnly DateOfBirth { get; init; }

    public string SexAtBirth { get; init; } = string.Empty;

    public string? GenderIdentity { get; init; }

    public string? Phone { get; init; }

    public string? Email { get; init; }

    public string? AddressLine1 { get; init; }

    public string? AddressLine2 { get; init; }

    public string? AddressCity { get; init; }

    public string? AddressRegion { get; init; }

    public string? AddressPostalCode { get; init; }

    public string? AddressCountry { get; init; }

    public string? PreferredLanguage { get; init; }

    public string? EmergencyName { get; init; }

    public string? EmergencyRelationship { get; init; }

    public string? EmergencyPhone { get; init; }

    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
