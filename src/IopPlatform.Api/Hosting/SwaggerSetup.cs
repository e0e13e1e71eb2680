using Microsoft.OpenApi;

namespace IopPlatform.Api.Hosting;

internal static class SwaggerSetup
{
    private const string ApiKeyScheme = "ApiKey";
    private const string BearerScheme = "Bearer";

    public static void AddSwagger(this WebApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "IOP Platform API",
                Version = "v1",
                Description = "REST API for Intensive Outpatient Programs: enrollment, scheduling and attendance, clinical notes, outcomes and dropout alerts. " +
                              "Errors are RFC 9457 ProblemDetails; lists use cursor pagination (limit, cursor → nextCursor).",
            });
            foreach (var xml in Directory.EnumerateFiles(AppContext.BaseDirectory, "IopPlatform.*.xml"))
            {
                o.IncludeXmlComments(xml);
            }
            o.CustomSchemaIds(SchemaId);
            o.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "Partner apps and the bootstrap admin: the API key shown once when the client was created (also accepted as `Authorization: ApiKey <key>`).",
            });
            o.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "Staff: a JWT from the organisation's identity provider with `role` claims (admin, clinician, supervisor, case_manager).",
            });
            // Two requirements = either scheme is enough.
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
            o.OperationFilter<StandardProblemResponses>();
            o.OperationFilter<IdempotencyKeyHeaderFilter>();
        });
    }

    public static void UseSwaggerDocs(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "IOP Platform API v1");
            o.DocumentTitle = "IOP Platform API";
        });
    }

    private static string SchemaId(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }
        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return name + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaId));
    }
}
