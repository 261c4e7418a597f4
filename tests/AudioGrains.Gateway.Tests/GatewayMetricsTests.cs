using AudioGrains.Testing;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A gateway's own series are on /metrics from its start, at 0: one that first appears at 1 is an increment rate() and
/// increase() cannot see, so every new gateway would lose its first submission (of each outcome) on the dashboard.
/// </summary>
public sealed class GatewayMetricsTests
{
    [Fact]
    public async Task A_new_gateway_exports_its_http_series_at_zero_before_any_request()
    {
        using var dir = new TempFolder();
        using var redis = await RedisServer.StartAsync();
        using var silo = await SiloProcess.StartWithHttpAsync(redis.ConnectionString, dir.Folder("blobs"));
        using var management = new HttpClient { BaseAddress = silo.ManagementAddress, Timeout = TimeSpan.FromSeconds(20) };

        var scrape = await PrometheusScrape.GetAsync(management);
        foreach (var outcome in new[] { "accepted", "joined", "repeated" })
            Assert.Equal(0, scrape.Sum("audiograins_http_submissions_total", ("outcome", outcome)));
        Assert.Equal(0, scrape.Sum("audiograins_http_upload_bytes_total"));
        Assert.Equal(0, scrape.Sum("audiograins_http_download_bytes_total"));
    }
}
