using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// Uploads that are indirections rather than media — an HLS playlist, an ffconcat list — naming local files and URLs on
/// loopback, against a real silo process: the job fails with unsupported-format (invalid-media when it is not even a
/// playlist to ffmpeg), and neither an HTTP listener the test
/// opens on 127.0.0.1 is connected to nor a named pipe the list points at is opened (so no local file is read).
/// </summary>
public sealed class PlaylistUploadTests(GatewaySilo cluster, ITestOutputHelper output) : IClassFixture<GatewaySilo>
{
    /// <summary>The upload's name and text ({url}: an http URL on the test's listener, {fifo}: the named pipe's path), and the job's error code.</summary>
    public static TheoryData<string, string, string> Uploads => new()
    {
        { "playlist.m3u8", "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{url}/x.ts\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXTINF:10.0,\nfile://{fifo}\n#EXT-X-ENDLIST\n", "unsupported-format" },
        { "master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS=\"mp4a.40.2\"\n{url}/variant.m3u8\n", "unsupported-format" },
        { "keyed.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-KEY:METHOD=AES-128,URI=\"{url}/key\"\n#EXTINF:10.0,\n{fifo}\n#EXT-X-ENDLIST\n", "unsupported-format" },
        { "local.ffconcat", "ffconcat version 1.0\nfile '/etc/passwd'\nfile '{fifo}'\n", "unsupported-format" },
        { "remote.ffconcat", "ffconcat version 1.0\nfile '{url}/a.wav'\nduration 10\n", "unsupported-format" },
        // Without the tags ffmpeg's HLS probe looks for, it is no format at all.
        { "bare.m3u", "#EXTM3U\n#EXTINF:10.0,\n{url}/x.ts\n#EXTINF:10.0,\n{fifo}\n", "invalid-media" },
    };

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task Fails_with_a_clear_code_without_reaching_out(string fileName, string template, string code)
    {
        using var listener = new ConnectionRecorder();
        await using var fifo = await FifoTripwire.CreateAsync(cluster.Dir.File($"trap-{Guid.NewGuid():N}.fifo"));
        var text = template.Replace("{url}", $"http://127.0.0.1:{listener.Port}", StringComparison.Ordinal).Replace("{fifo}", fifo.Path, StringComparison.Ordinal);

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(text)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "file", fileName },
        };
        using var posted = await cluster.Http.PostAsync("/jobs", form);
        var body = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement job;
        do
        {
            await Task.Delay(200);
            using var poll = await cluster.Http.GetAsync($"/jobs/{id}");
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
            job = JsonDocument.Parse(await poll.Content.ReadAsStringAsync()).RootElement;
        }
        while (job.GetProperty("status").GetString() is "queued" or "processing" && DateTime.UtcNow < deadline);
        output.WriteLine($"{fileName}: {job.GetProperty("status")} {job.GetProperty("error_code")} {job.GetProperty("error_message")}");

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal(code, job.GetProperty("error_code").GetString());
        // A moment for anything started late to show itself.
        await Task.Delay(500);
        Assert.Empty(listener.Connections);
        Assert.False(fifo.Opened, $"something opened {fifo.Path} for reading");
    }
}
