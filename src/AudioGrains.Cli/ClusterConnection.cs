using AudioGrains.Abstractions;
using AudioGrains.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace AudioGrains.Cli;

/// <summary>
/// A connection to a running cluster for the cluster verbs: `--cluster redis://HOST:PORT` (Redis membership),
/// `--cluster redis://SENTINEL:PORT[,SENTINEL:PORT...],serviceName=NAME` (Redis through Sentinel: what follows
/// redis:// is a StackExchange.Redis configuration string, as the silo's --redis) or `--cluster HOST:PORT[,HOST:PORT]`
/// (gateway endpoints).
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host) => _host = host;

    public IAudioGrainsClient Client => _host.Services.GetRequiredService<IAudioGrainsClient>();

    public static async Task<ClusterConnection> OpenAsync(string cluster, CancellationToken ct)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSerilog(config => Hosting.SiloLogging.Configure(config, LogEventLevel.Fatal, toStandardError: true));
        builder.Services.AddAudioGrainsClient(o =>
        {
            if (cluster.StartsWith("redis://", StringComparison.Ordinal)) o.Redis = cluster["redis://".Length..];
            else o.Gateways = [.. cluster.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        });
        var host = builder.Build();
        // Orleans' client tries a cluster with no silo listening for 3 minutes (15 tries, 1.5 s more apart each time):
        // an operator's command must say the cluster is not there well before that.
        // Its own source: a stop signal also cancels the start (the host's lifetime), and must not read as a timeout.
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await host.StartAsync(connect.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            host.Dispose();
            throw new AudioGrainsException(ErrorCodes.ProcessingFailed,
                $"cannot reach the cluster at {cluster}: no silo answered within {ConnectTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new AudioGrainsException(ErrorCodes.ProcessingFailed, $"cannot reach the cluster at {cluster}: {e.Message}", e);
        }
        return new ClusterConnection(host);
    }

    /// <summary>How long a command waits for the cluster to answer before it fails (a silo that is starting has time to).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _host.Dispose();
        }
    }
}
