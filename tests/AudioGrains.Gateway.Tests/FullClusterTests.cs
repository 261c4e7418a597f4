using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>A real silo serving HTTP whose cluster takes one job at a time: what a full cluster answers.</summary>
public sealed class FullClusterTests(FullClusterTests.Silo cluster, ITestOutputHelper output) : IClassFixture<FullClusterTests.Silo>
{
    public sealed class Silo : GatewaySilo
    {
        protected override string[] Configuration => ["--AudioGrains:Http:MaxActiveJobs=1", "--AudioGrains:Http:RateLimitPermits=10000"];
    }

    [Fact]
    public async Task A_request_tried_again_with_its_Idempotency_Key_gets_its_job_while_the_cluster_is_full()
    {
        // Half an hour of noise through the speech gate: the job runs for seconds, holding the cluster's one place.
        var input = await File.ReadAllBytesAsync(await TestAudio.LavfiAsync(cluster.Dir.File("long.mp3"),
            "anoisesrc=color=pink:amplitude=0.1:sample_rate=16000:seed=3:duration=1800", "-b:a", "32k"));
        var key = "full-" + Guid.NewGuid().ToString("N");
        using var first = await PostAsync(input, "long.mp3", key);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.Accepted, firstBody);
        var id = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetString()!;

        // The cluster is full: another request waits (503 with Retry-After)...
        using var other = await PostAsync(await File.ReadAllBytesAsync(await TestAudio.ToneAsync(cluster.Dir.File("other.wav"), 1, 440, 0.2, 16000)), "other.wav", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
        Assert.NotNull(other.Headers.RetryAfter);

        // ...but the first request tried again (its answer was lost) starts nothing: it gets its job, as the README says.
        using var again = await PostAsync(input, "long.mp3", key);
        var againBody = await again.Content.ReadAsStringAsync();
        output.WriteLine($"job {id}; repeat: {(int)again.StatusCode} {againBody[..Math.Min(200, againBody.Length)]}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var job = JsonDocument.Parse(againBody).RootElement;
        Assert.Equal(id, job.GetProperty("id").GetString());
        Assert.Contains(job.GetProperty("status").GetString(), new[] { "queued", "processing" });

        using var deleted = await cluster.Http.DeleteAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] input, string name, string? idempotencyKey)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(input) { Headers = { ContentType = new MediaTypeHeaderValue("audio/mpeg") } }, "file", name },
            { new StringContent("speech"), "denoise" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = form };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await cluster.Http.SendAsync(request);
    }
}
