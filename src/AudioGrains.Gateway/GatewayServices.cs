using AudioGrains.Abstractions;
using AudioGrains.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Dashboard;
using Prometheus;
using Scalar.AspNetCore;

namespace AudioGrains.Gateway;

/// <summary>
/// The HTTP API as a role of a silo: its services (over the silo's own cluster client, like any other client) and
/// its routes. <see cref="GatewayOptions"/> must be registered (and validated) by the host.
/// </summary>
public static class GatewayServices
{
    /// <summary>Where the Orleans dashboard is served (its silos' side is added by the host: AddDashboard on every silo).</summary>
    public const string DashboardPath = "/dashboard";

    public static IServiceCollection AddAudioGrainsGateway(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton(sp => new AudioGrainsClient(sp.GetRequiredService<IClusterClient>(), sp.GetService<IOptions<AudioGrainsClientOptions>>()));
        services.TryAddSingleton(sp => new ApiKeys(sp.GetRequiredService<IOptions<GatewayOptions>>().Value));
        services.TryAddSingleton(sp => new AdmissionControl(JobRegistry.Of(sp.GetRequiredService<IGrainFactory>()), sp.GetRequiredService<IOptions<GatewayOptions>>(),
            TransientRetry.From(sp.GetService<IOptions<AudioGrainsClientOptions>>()?.Value ?? new AudioGrainsClientOptions())));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((limiter, gateway) => GatewayRateLimits.Configure(limiter, gateway.Value));
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "AudioGrains HTTP API";
                document.Info.Description = "Loudness-normalized, cleaned audio for speech-to-text and media pipelines. Compatible with the Python service's API.";
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer<OpenApiSchemas>();
        });
        return services;
    }

    public static WebApplication MapAudioGrainsGateway(this WebApplication app)
    {
        // Its series exist from the start (at 0), not from the first request that counts.
        app.Services.GetRequiredService<GatewayMetrics>();
        app.UseExceptionHandler();
        // What the routing answers by itself (no route, a method or content type the route does not take) is a problem too.
        app.UseStatusCodePages(ApiProblems.ForStatusCodeAsync);
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.Use((http, next) => keys.InvokeAsync(http, next));
        app.UseRateLimiter();
        app.MapOpenApi();
        // The reference page loads its script from this server and no web fonts: it works where the cluster has no internet.
        app.MapScalarApiReference(o => o.WithTitle("AudioGrains HTTP API").DisableDefaultFonts());
        app.MapJobEndpoints();
        app.MapHealthEndpoints();
        app.MapAdminEndpoints();
        app.MapOrleansDashboard(routePrefix: DashboardPath).ExcludeFromDescription();
        // Prometheus text: every System.Diagnostics.Metrics meter in the process (Orleans', the runtime's, ours) and the process's own figures.
        app.MapMetrics("/metrics");
        return app;
    }
}
