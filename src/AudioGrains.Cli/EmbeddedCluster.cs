using AudioGrains.Grains.Jobs;
using AudioGrains.Storage;
using AudioGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace AudioGrains.Cli;

/// <summary>
/// A one-process cluster for the CLI: a silo with localhost clustering on free loopback ports,
/// memory storage and reminders, the blob store in a data folder. No server needed.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedCluster(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public InputIngestor Ingestor => _host.Services.GetRequiredService<InputIngestor>();

    public IBlobStore Blobs => _host.Services.GetRequiredService<IBlobStore>();

    public JobEndings Endings => _host.Services.GetRequiredService<JobEndings>();

    public static async Task<EmbeddedCluster> StartAsync(string dataDirectory, bool verbose, CancellationToken ct)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AudioGrains:Mode"] = nameof(ClusterMode.Embedded),
            ["AudioGrains:SiloPort"] = "0",
            ["AudioGrains:GatewayPort"] = "0",
            ["AudioGrains:DataDirectory"] = dataDirectory,
        });
        // Standard output belongs to the report (and --json); logs go to standard error, only when asked.
        builder.Services.AddSerilog(config => SiloLogging.Configure(config, verbose ? LogEventLevel.Information : LogEventLevel.Fatal, toStandardError: true));
        builder.Services.AddSingleton<JobEndings>();
        builder.Services.AddSingleton<IJobObserver>(sp => sp.GetRequiredService<JobEndings>());
        builder.AddAudioGrainsSilo();
        var host = builder.Build();
        try
        {
            // Invalid settings are refused here (ValidateOnStart), before the silo starts.
            await host.StartAsync(ct);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new EmbeddedCluster(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
