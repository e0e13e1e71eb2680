using Microsoft.OpenApi;

namespace IopPlatform.Api.Hosting;

internal static class SwaggerSetup
{
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
            // Full names keep schema ids unique across modules; the readable part is the type name.
            o.CustomSchemaIds(t => SchemaId(t));
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
