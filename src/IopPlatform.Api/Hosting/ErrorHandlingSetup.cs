using Microsoft.AspNetCore.Http.Features;

namespace IopPlatform.Api.Hosting;

internal static class ErrorHandlingSetup
{
    public static void AddErrorHandling(this WebApplicationBuilder builder)
    {
        // Registered before AddProblemDetails: the first writer that accepts a response writes it.
        builder.Services.AddSingleton<IProblemDetailsWriter, JsonProblemDetailsWriter>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsExceptionHandler.Customize);
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        // Binding failures reach the exception handler, so they get the same body in every environment.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
    }

    public static void UseErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty 401/403/404/405/415 responses from the framework also become ProblemDetails.
        app.UseStatusCodePages();
    }
}
