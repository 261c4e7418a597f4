using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// The old orchestrator's flow, as it drives the Python service, against a real silo process serving HTTP: POST the
/// file with string flags, poll, download, DELETE, and the job is gone (404).
/// </summary>
public sealed class OrchestratorFlowTests(GatewaySilo cluster, ITestOutputHelper output) : IClassFixture<GatewaySilo>
{
    [Fact]
    public async Task Post_poll_download_delete_then_404()
    {
        var input = await TestAudio.SpeechAsync(cluster.Dir.File("interview.mp3"), 12, noiseAmplitude: 0.02);
        using var form = new MultipartFormDataContent
        {
            { new StreamContent(File.OpenRead(input)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/mpeg") } }, "file", "interview.mp3" },
            { new StringContent("true"), "remove_noise" },
            { new StringContent("yes"), "convert_to_mono" },
            { new StringContent("1"), "apply_highpass_filter" },
            { new StringContent("on"), "set_sample_rate_16k" },
            { new StringContent(""), "isolate_vocals" },
        };
        using var posted = await cluster.Http.PostAsync("/jobs", form);
        var body = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, body);
        var job = JsonDocument.Parse(body).RootElement;
        var id = job.GetProperty("id").GetString()!;
        Assert.Equal("interview.mp3", job.GetProperty("filename").GetString());
        Assert.True(job.GetProperty("remove_noise").GetBoolean());
        Assert.True(job.GetProperty("apply_highpass_filter").GetBoolean());
        Assert.True(job.GetProperty("set_sample_rate_16k").GetBoolean());
        Assert.False(job.GetProperty("isolate_vocals").GetBoolean());
        Assert.Equal("webm", job.GetProperty("output_format").GetString());
        Assert.Equal($"/jobs/{id}", posted.Headers.Location?.OriginalString);

        // Poll as the orchestrator does, until the job ends.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        JsonElement polled;
        do
        {
            await Task.Delay(300);
            using var poll = await cluster.Http.GetAsync($"/jobs/{id}");
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
            polled = JsonDocument.Parse(await poll.Content.ReadAsStringAsync()).RootElement;
            Assert.InRange(polled.GetProperty("progress").GetInt32(), 0, 100);
        }
        while (polled.GetProperty("status").GetString() is "queued" or "processing" && DateTime.UtcNow < deadline);
        Assert.Equal("completed", polled.GetProperty("status").GetString());
        Assert.Equal(100, polled.GetProperty("progress").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, polled.GetProperty("completed_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, polled.GetProperty("expires_at").ValueKind);
        var reported = polled.GetProperty("loudness").GetProperty("output");
        Assert.InRange(reported.GetProperty("integrated_lufs").GetDouble(), -23.5, -22.5);

        // The download: WebM/Opus, named after the upload with the format's extension, decoding to -23 LUFS.
        using var download = await cluster.Http.GetAsync($"/jobs/{id}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("audio/webm", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("interview.webm", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(polled.GetProperty("file_size_output").GetInt64(), bytes.LongLength);
        var saved = cluster.Dir.File("interview.webm");
        await File.WriteAllBytesAsync(saved, bytes);
        var measured = await Ebur128.MeasureAsync(saved);
        Assert.InRange(measured.IntegratedLufs, -23.5, -22.5);

        // A range of it: 206 with exactly those bytes.
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{id}/download") { Headers = { Range = new RangeHeaderValue(100, 1099) } };
        using var part = await cluster.Http.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes.AsSpan(100, 1000).ToArray(), await part.Content.ReadAsByteArrayAsync());

        // DELETE really deletes: the job is unknown afterwards, and nothing of it is left in storage.
        using var deleted = await cluster.Http.DeleteAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await cluster.Http.GetAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("not-found", JsonDocument.Parse(await gone.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
        using var goneDownload = await cluster.Http.GetAsync($"/jobs/{id}/download");
        Assert.Equal(HttpStatusCode.NotFound, goneDownload.StatusCode);
        Assert.Empty(cluster.StoredFiles($"jobs/{id}"));
        output.WriteLine($"job {id}: output {bytes.Length} bytes, {measured.IntegratedLufs:F2} LUFS");
    }
}
