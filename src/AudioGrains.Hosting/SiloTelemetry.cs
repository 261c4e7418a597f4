using AudioGrains.Grains.Storage;
using AudioGrains.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Orleans.Runtime;

namespace AudioGrains.Hosting;

/// <summary>
/// Traces and the silo's gauges. Spans are always made (so trace and span ids reach every log event, and a job's
/// events carry the id of the request that submitted it); they are exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
/// is set. Metrics need no SDK here: prometheus-net reads every System.Diagnostics.Metrics meter for /metrics.
/// </summary>
public static class SiloTelemetry
{
    /// <summary>Orleans' own activity sources: the runtime's calls and the application's grain calls.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IHostApplicationBuilder AddSiloTelemetry(this IHostApplicationBuilder builder, AudioGrainsHostOptions host)
    {
        var tracing = builder.Services.AddOpenTelemetry().WithTracing(t =>
        {
            t.AddSource(AudioGrainsTelemetry.Name).AddSource(OrleansSources).AddAspNetCoreInstrumentation()
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()));
            if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) t.AddOtlpExporter();
        });
        builder.Services.AddSingleton(sp => new SiloGauges(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<BlobStaging>(), host));
        builder.Services.AddHostedService(sp => new MeterStarter(sp));
        return builder;
    }

    /// <summary>
    /// prometheus-net starts listening to meters at its first collection: until then every measurement is lost (the
    /// first jobs' counts, when no scrape came before them). One collection at start, then the meters are made, so
    /// their series exist from the start.
    /// </summary>
    private sealed class MeterStarter(IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken);
            _ = services.GetRequiredService<SiloGauges>();
            _ = services.GetRequiredService<JobMetrics>();
            _ = services.GetRequiredService<WorkMetrics>();
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
