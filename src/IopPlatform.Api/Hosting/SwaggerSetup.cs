namespace IopPlatform.Api.Hosting;

internal static class SwaggerSetup
{
    private const string ApiKeyScheme = "ApiKey";
    private const string BearerScheme = "Bearer";

    /// <summary>hh:mm[:ss[.fffffff]]: what System.Text.Json writes for a TimeOnly (and reads, among other forms).</summary>
    public const string TimeOfDayPattern = @"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,7})?)?$";

    public static void AddSwagger(this WebApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        var services = builder.Services;
        services.AddSingleton(sp => new OpenApiBoundsCatalog(services, sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "IOP Platform API",
                Version = "v1",
                Description = "REST API for Intensive Outpatient Programs: enrollment, scheduling and attendance, clinical notes, outcomes and dropout alerts. " +
                              "Errors are RFC 9457 ProblemDetails; lists use cursor pagination (limit, cursor → nextCursor). " +
                              "Every response carries X-RateLimit-Limit and X-RateLimit-Remaining; a 429 says when to retry (Retry-After).",
                Contact = new OpenApiContact { Name = "IOP Platform operators", Email = "operators@iop-platform.invalid" },
                License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
            });
            // Relative: the document describes the deployment that serves it, which is reached over HTTPS in production.
            o.AddServer(new OpenApiServer
            {
                Url = "/",
                Description = "This deployment (production, staging or a local development host)",
                // Meant for partner applications outside the organisation, not only internal callers.
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
            });
            foreach (var xml in Directory.EnumerateFiles(AppContext.BaseDirectory, "IopPlatform.*.xml"))
            {
                o.IncludeXmlComments(xml);
            }
            o.CustomSchemaIds(SchemaId);
            // A nullable enum or object member is `allOf: [$ref]` with `nullable: true` (a bare $ref cannot say null).
            o.UseAllOfToExtendReferenceSchemas();
            // TimeOnly travels as "18:00:00": an RFC 3339 partial-time. JSON Schema's format "time" demands a UTC
            // offset, which the API neither sends nor accepts, so the shape is stated as a pattern instead.
            o.MapType<TimeOnly>(() => TimeOfDaySchema(JsonSchemaType.String));
            o.MapType<TimeOnly?>(() => TimeOfDaySchema(JsonSchemaType.String | JsonSchemaType.Null));
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
                Description = "Staff: a JWT from the organisation's identity provider with `role` claims (admin, clinician, supervisor, case_manager). " +
                              "Validated following the JWT best current practices of RFC8725: signed tokens only (no `alg: none`), " +
                              "issuer, audience and lifetime always checked, signing keys from the provider's published key set.",
            });
            // Two requirements = either scheme is enough.
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
            o.OperationFilter<StandardProblemResponses>();
            o.OperationFilter<IdempotencyKeyHeaderFilter>();
            o.OperationFilter<OpenApiHttpHeaders>();
            o.OperationFilter<OpenApiRequiredRoles>();
            o.OperationFilter<OpenApiSortParameters>();
            o.OperationFilter<OpenApiDescriptions>();
            o.SchemaFilter<OpenApiValidatorBounds>();
            o.SchemaFilter<OpenApiBoundsDefaults>();
            o.DocumentFilter<OpenApiNullableReferences>();
            o.DocumentFilter<OpenApiRateLimitHeaders>();
            o.DocumentFilter<OpenApiComponentSchemaSources>();
            o.DocumentFilter<OpenApiBoundsDefaults>();
            o.DocumentFilter<OpenApiTagDescriptions>();
            o.DocumentFilter<OpenApiRequestExamples>();
            // Last: examples are derived from the final bounds and patterns.
            o.DocumentFilter<OpenApiExamples>();
        });
    }

    public const string EnabledSetting = "Swagger:Enabled";

    /// <summary>On by default except in Production, where the document and UI are served only when configured on.</summary>
    public static bool Enabled(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>(EnabledSetting) ?? !environment.IsProduction();

    public static void UseSwaggerDocs(this WebApplication app)
    {
        if (!Enabled(app.Configuration, app.Environment))
        {
            return;
        }
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "IOP Platform API v1");
            o.DocumentTitle = "IOP Platform API";
        });
    }

    private static OpenApiSchema TimeOfDaySchema(JsonSchemaType type) => new()
    {
        Type = type,
        Pattern = TimeOfDayPattern,
        MaxLength = 16, // 18:00:00.1234567
    };

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
