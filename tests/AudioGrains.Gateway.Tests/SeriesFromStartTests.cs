using AudioGrains.Testing;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A silo's counters are on /metrics from its start, at 0, labelled ones included: a series that first appears at 1 is
/// an increment rate() and increase() cannot see, so every new silo would lose its first submission of each outcome on
/// the dashboard, and the failure-rate alert its first failure of each error code.
/// </summary>
public sealed class SeriesFromStartTests
{
    [Fact]
    public async Task A_new_gateway_silo_exports_its_counters_at_zero_before_any_request()
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
        foreach (var code in new[] { "invalid-media", "no-audio-stream", "too-long", "timeout", "processing-failed", "storage-unavailable" })
            Assert.Equal(0, scrape.Sum("audiograins_jobs_failed_total", ("error_code", code)));
    }
}
