using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Testing;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A finished job outlives the process that ran it: after kill -9 of the silo that ran it, another silo reads the job's state
/// back from Redis (JSON) and serves its status, report and output as before.
/// </summary>
public sealed class RestartTests(GatewaySilo cluster) : IClassFixture<GatewaySilo>
{
    [Fact]
    public async Task A_completed_job_is_served_by_a_new_silo_after_kill_9()
    {
        var input = await TestAudio.ToneAsync(cluster.Dir.File("kept.wav"), 5, 440, 0.1, 16000);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(input)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", "kept.wav" },
            { new StringContent("flac"), "output_format" },
        };
        using var posted = await cluster.Http.PostAsync("/jobs", form);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var before = await WaitCompletedAsync(id);
        var output = await cluster.Http.GetByteArrayAsync($"/jobs/{id}/download");

        await cluster.ReplaceSiloAsync();

        using var after = await cluster.Http.GetAsync($"/jobs/{id}");
        var body = await after.Content.ReadAsStringAsync();
        Assert.True(after.StatusCode == HttpStatusCode.OK, body);
        var job = JsonDocument.Parse(body).RootElement;
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("loudness").GetProperty("output").GetProperty("integrated_lufs").GetDouble(),
            job.GetProperty("loudness").GetProperty("output").GetProperty("integrated_lufs").GetDouble());
        Assert.Equal(output, await cluster.Http.GetByteArrayAsync($"/jobs/{id}/download"));
        using var chart = await cluster.Http.GetAsync($"/jobs/{id}/loudness.svg");
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
    }

    private async Task<JsonElement> WaitCompletedAsync(string id)
    {
        var job = await JobPolling.WaitEndedAsync(cluster.Http, id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        return job;
    }
}
