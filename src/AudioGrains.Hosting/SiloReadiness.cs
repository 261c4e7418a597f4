using System.Diagnostics;
using AudioGrains.Media;
using AudioGrains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AudioGrains.Hosting;

/// <summary>
/// Whether this silo should get work (the /health/ready probe): it is an active member of the cluster and not
/// draining, Redis answers, the blob store answers and has room, and ffmpeg runs. Each part is its own check so the
/// probe says which one failed.
/// </summary>
public static class SiloReadiness
{
    public const string Tag = AudioGrains.Gateway.HealthEndpoints.ReadyTag;

    public static IHealthChecksBuilder AddSiloReadiness(this IHealthChecksBuilder checks, AudioGrainsHostOptions host)
    {
        checks.Add(new HealthCheckRegistration("silo", sp => new SiloActiveCheck(sp.GetRequiredService<ISiloStatusOracle>(),
            sp.GetRequiredService<IHostApplicationLifetime>()), HealthStatus.Unhealthy, [Tag], TimeSpan.FromSeconds(5)));
        checks.Add(new HealthCheckRegistration("storage", sp => new BlobStoreCheck(sp.GetRequiredService<IBlobStore>()),
            HealthStatus.Unhealthy, [Tag], TimeSpan.FromSeconds(10)));
        checks.Add(new HealthCheckRegistration("ffmpeg", sp => new FfmpegCheck(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value),
            HealthStatus.Unhealthy, [Tag], TimeSpan.FromSeconds(10)));
        if (host.Mode == ClusterMode.Redis)
            checks.Add(new HealthCheckRegistration("redis", sp => new RedisCheck(sp.GetRequiredService<SiloRedisConnection>()), HealthStatus.Unhealthy, [Tag], TimeSpan.FromSeconds(5)));
        return checks;
    }
}

internal sealed class SiloActiveCheck(ISiloStatusOracle membership, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("draining: the silo is shutting down")
            : membership.CurrentStatus == SiloStatus.Active
                ? HealthCheckResult.Healthy("active member of the cluster")
                : HealthCheckResult.Unhealthy($"silo status {membership.CurrentStatus}"));
}

internal sealed class BlobStoreCheck(IBlobStore blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await blobs.LengthAsync("health/probe", ct);
        return blobs.AvailableBytes() is { } free
            ? HealthCheckResult.Healthy($"{free / (1024 * 1024)} MB free", new Dictionary<string, object> { ["free_bytes"] = free })
            : HealthCheckResult.Healthy("answers");
    }
}

/// <summary>ffmpeg runs (checked once: it does not come and go while the process lives, and a probe must be cheap).</summary>
internal sealed class FfmpegCheck(FfmpegOptions ffmpeg) : IHealthCheck
{
    private static Task<string?>? _checked;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var failure = await (_checked ??= RunAsync(ffmpeg.FfmpegPath));
        return failure is null ? HealthCheckResult.Healthy("ffmpeg runs") : HealthCheckResult.Unhealthy(failure);
    }

    private static async Task<string?> RunAsync(string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, "-hide_banner -version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? null : $"ffmpeg exited with {process.ExitCode}";
        }
        catch (Exception e)
        {
            return $"ffmpeg cannot run: {e.Message}";
        }
    }
}

/// <summary>The silo's own Redis connection answers a ping: the one its membership, job state and reminders use.</summary>
internal sealed class RedisCheck(SiloRedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var connection = await redis.ConnectAsync();
        var rtt = await connection.GetDatabase().PingAsync();
        return HealthCheckResult.Healthy($"ping {rtt.TotalMilliseconds:F1} ms");
    }
}
