using System.Net;
using AudioGrains.Testing;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// `audiograins silo` reads its configuration from the environment like any silo (README: `AudioGrains:Logging:Format=text`
/// for people; scripts/cluster passes AudioGrains__* on to its silos): an option's default does not hide a setting,
/// an option that is given wins.
/// </summary>
public sealed class SiloCommandConfigurationTests
{
    [Fact]
    public async Task The_log_format_and_management_port_from_the_environment_apply_unless_an_option_is_given()
    {
        using var dir = new TempFolder();
        using var redis = await RedisServer.StartAsync();
        var management = FreePorts.Next();
        var environment = new Dictionary<string, string>
        {
            ["AudioGrains__Logging__Format"] = "text",
            ["AudioGrains__Management__Port"] = $"{management}",
        };

        using (var silo = await SiloProcess.StartCliWithAsync(environment, redis.ConnectionString, "--storage", dir.Folder("blobs")))
        {
            var ready = silo.RawLines.First(l => l.Contains("AudioGrains silo ready", StringComparison.Ordinal));
            Assert.False(ready.TrimStart().StartsWith('{'), $"JSON, not text: {ready}");
            Assert.Null(LogEvent.Parse(ready));
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}"), Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }

        using (var silo = await SiloProcess.StartCliWithAsync(environment, redis.ConnectionString, "--storage", dir.Folder("blobs"), "--log-format", "json",
                   "--management-port", "0"))
        {
            var ready = silo.RawLines.First(l => l.Contains("AudioGrains silo ready", StringComparison.Ordinal));
            Assert.NotNull(LogEvent.Parse(ready));
            Assert.Equal("0", LogEvent.Parse(ready)!.Text("ManagementPort"));
        }
    }
}
