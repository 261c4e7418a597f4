using AudioGrains.Testing;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// The S3 circuit breaker's state reaches Prometheus under the name the docs give (docs/reliability.md, README's series
/// list): audiograins_dependency_circuit_open{dependency="s3"}, from a real silo on real S3 (s3rver).
/// </summary>
public sealed class DependencyMetricTests
{
    [Fact]
    public async Task An_S3_silo_exports_its_circuit_state_as_audiograins_dependency_circuit_open()
    {
        using var redis = await RedisServer.StartAsync();
        using var s3 = await S3Server.StartAsync();
        S3Server.UseCredentials();
        using var dir = new TempFolder();
        var management = FreePorts.Next();
        using var silo = await SiloProcess.StartCliAsync(redis.ConnectionString, "--storage", $"s3://{s3.Bucket}", "--s3-endpoint", s3.ServiceUrl,
            "--temp", dir.Folder("temp"), "--management-port", $"{management}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}"), Timeout = TimeSpan.FromSeconds(20) };
        // Readiness asks the store, so the breaker in front of it exists by then.
        Assert.True((await client.GetAsync("/health/ready")).IsSuccessStatusCode);

        var scrape = await PrometheusScrape.GetAsync(client);
        Assert.Equal(0, scrape.Sum("audiograins_dependency_circuit_open", ("dependency", "s3")));
        Assert.DoesNotContain(scrape.Names, n => n.Contains("circuit_open", StringComparison.Ordinal) && n != "audiograins_dependency_circuit_open");
    }
}
