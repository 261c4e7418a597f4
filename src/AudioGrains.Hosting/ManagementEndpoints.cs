using AudioGrains.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace AudioGrains.Hosting;

/// <summary>
/// What the management port answers: /metrics and /health/*, nothing else (404), with no API key. When the silo also
/// serves the HTTP API, the same routes answer there too, behind the key as the rest of the API.
/// </summary>
public static class ManagementEndpoints
{
    public static bool IsManagementPath(PathString path) => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");

    /// <summary>Runs first: requests on the management port reach only the management routes, and skip the API key.</summary>
    public static WebApplication UseManagementPort(this WebApplication app, int port)
    {
        app.Use(async (http, next) =>
        {
            if (http.Connection.LocalPort != port)
            {
                await next(http);
                return;
            }
            if (!IsManagementPath(http.Request.Path))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            http.Items[ApiKeys.SkipItem] = true;
            await next(http);
        });
        return app;
    }

    /// <summary>The routes of a silo that serves no API: health and Prometheus text only.</summary>
    public static WebApplication MapManagementOnly(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapMetrics("/metrics");
        return app;
    }
}
