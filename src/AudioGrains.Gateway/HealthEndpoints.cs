using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AudioGrains.Gateway;

/// <summary>
/// /health/live (the process answers: a liveness probe must not fail because Redis is down, or the orchestrator
/// restarts healthy silos in a loop), /health/ready (the checks tagged "ready": should this silo get work?), and
/// /health in the old service's shape.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("health");
        var ready = new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync };
        app.MapHealthChecks("/health/ready", ready).WithTags("health");
        app.MapHealthChecks("/health", ready).WithTags("health");
        return app;
    }

    /// <summary>{"status": "healthy"|"unhealthy", "timestamp", "checks": {name: {status, description}}}.</summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var body = new
        {
            status = report.Status == HealthStatus.Healthy ? "healthy" : "unhealthy",
            timestamp = DateTimeOffset.UtcNow,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return http.Response.WriteAsJsonAsync(body, JobDocument.Json);
    }
}
