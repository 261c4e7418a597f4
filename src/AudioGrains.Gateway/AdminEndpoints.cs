using AudioGrains.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Orleans;

namespace AudioGrains.Gateway;

/// <summary>The old service's admin routes: counts of the listed jobs, and a cleanup that expires what is past its time to live now.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("admin").RequireRateLimiting(GatewayRateLimits.Reads);
        admin.MapGetAndHead("/stats", async (IGrainFactory grains) =>
        {
            var s = await JobRegistry.Of(grains).StatsAsync();
            return Results.Json(new
            {
                total_jobs = s.Total,
                queued = s.Queued,
                processing = s.Processing,
                completed = s.Completed,
                failed = s.Failed,
                cancelled = s.Cancelled,
                expired = s.Expired,
                active = s.Active,
                total_input_bytes = s.InputBytes,
                total_output_bytes = s.OutputBytes,
            }, JobDocument.Json);
        }).WithSummary("Counts of the listed jobs by status, and the bytes they hold");
        admin.MapPost("/cleanup", async (IGrainFactory grains, ILoggerFactory logs) =>
        {
            var done = await JobRegistry.Of(grains).CleanupAsync();
            logs.CreateLogger(typeof(AdminEndpoints)).LogInformation("Cleanup: {Expired} jobs expired, {Removed} entries removed", done.Expired, done.Removed);
            return Results.Json(new { expired = done.Expired, removed = done.Removed }, JobDocument.Json);
        }).WithSummary("Expires every job past its time to live now, and forgets jobs that no longer exist");
        return app;
    }
}
