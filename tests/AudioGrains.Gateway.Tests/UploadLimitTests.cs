using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// The upload limit against a real silo process: a body far over it is refused with 413 while it is still being sent
/// (streamed from a generator, so the test holds none of it), the silo's memory does not grow with it, and the blocks
/// sent before the refusal are deleted; a Content-Length over the limit is refused before any of the body is sent.
/// </summary>
public sealed class UploadLimitTests(UploadLimitTests.Silo cluster, ITestOutputHelper output) : IClassFixture<UploadLimitTests.Silo>
{
    public const long Limit = 2 * 1024 * 1024;

    public sealed class Silo : GatewaySilo
    {
        protected override string[] Configuration => [$"--AudioGrains:Http:MaxUploadBytes={Limit}"];
    }

    private static readonly RawRequest Upload = new("POST", "/jobs", [("Content-Type", MultipartBody.ContentType)]);

    [Fact]
    public async Task A_streamed_body_far_over_the_limit_gets_413_before_its_end_and_leaves_nothing()
    {
        // The same path once, small, so what is measured next is the big body and not the first request's warm-up.
        var warmUp = await RawHttp.StreamAsync(cluster.Silo.HttpAddress, Upload, new GeneratedUpload(2 * Limit), TimeSpan.FromSeconds(30));
        Assert.Equal(413, warmUp.Status);
        var rssBefore = ResidentBytes(cluster.Silo.ProcessId);

        var body = new GeneratedUpload(2L * 1024 * 1024 * 1024);
        var response = await RawHttp.StreamAsync(cluster.Silo.HttpAddress, Upload, body, TimeSpan.FromSeconds(30));
        var rssAfter = ResidentBytes(cluster.Silo.ProcessId);
        output.WriteLine($"413 after {body.Produced:N0} of {body.Length:N0} bytes produced; silo RSS {rssBefore / 1048576.0:F1} MB before, {rssAfter / 1048576.0:F1} MB after");

        Assert.Equal(413, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal("too-large", JsonDocument.Parse(response.Body).RootElement.GetProperty("error_code").GetString());
        // Refused near the limit, not at the end: the limit, the socket buffers between, and nothing like 2 GB.
        Assert.InRange(body.Produced, Limit, 64L * 1024 * 1024);
        Assert.True(rssAfter - rssBefore < 50L * 1024 * 1024, $"the silo's RSS grew by {(rssAfter - rssBefore) / 1048576.0:F1} MB");
        // The blocks sent before the refusal are deleted, and no job was made.
        Assert.Empty(cluster.StoredFiles("uploads"));
        Assert.Empty(cluster.StoredFiles("jobs"));
        Assert.False(cluster.Silo.HasExited);
    }

    [Fact]
    public async Task A_content_length_over_the_limit_gets_413_before_any_of_the_body_is_sent()
    {
        // Only the head goes out: the answer must come without waiting for a single byte of the 3 GB announced.
        var head = Upload with { Headers = [.. Upload.Headers, ("Content-Length", (3L * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture))] };
        var response = await RawHttp.SendHeadAsync(cluster.Silo.HttpAddress, head, TimeSpan.FromSeconds(10));

        Assert.Equal(413, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal("too-large", JsonDocument.Parse(response.Body).RootElement.GetProperty("error_code").GetString());
        Assert.Empty(cluster.StoredFiles("uploads"));
        Assert.False(cluster.Silo.HasExited);
    }

    /// <summary>VmRSS of a process, bytes.</summary>
    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
