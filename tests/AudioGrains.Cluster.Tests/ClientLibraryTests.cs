using AudioGrains.Abstractions;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// What another .NET service does with the client library alone: three silo processes on Redis with their blobs in S3
/// (no shared folder, no storage credentials in the client), a 10-minute stereo MP3 sent from a Stream, watched,
/// downloaded: the same bytes as `audiograins normalize` of the same file.
/// </summary>
public sealed class ClientLibraryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_file_submitted_from_a_stream_comes_back_as_the_cli_normalizes_it()
    {
        using var s3 = await S3Server.StartAsync();
        await using var cluster = await RedisCluster.StartAsync(3, s3);
        var input = await TestAudio.LavfiAsync(cluster.Files.File("talk.mp3"),
            "aevalsrc='0.2*sin(2*PI*(180+60*sin(2*PI*0.4*t))*t)*(0.5+0.5*sin(2*PI*3*t))+0.01*(random(0)-0.5)|0.15*sin(2*PI*(200+50*sin(2*PI*0.3*t))*t)':s=44100:d=600",
            "-c:a", "libmp3lame", "-b:a", "128k");
        var options = new NormalizeOptions { OutputFormat = "webm", Denoise = NoiseReduction.Stationary };

        string jobId;
        await using (var stream = File.OpenRead(input))
            jobId = await cluster.Client.SubmitAsync(stream, "talk.mp3", options);
        var seen = new List<JobStatus>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await foreach (var status in cluster.Client.WatchAsync(jobId, ct: timeout.Token)) seen.Add(status);
        var final = seen[^1];
        Assert.True(final.Phase == JobPhase.Completed, $"{final.Phase}: {final.ErrorMessage}");
        output.WriteLine($"{seen.Count} status changes: {string.Join(" ", seen.Select(s => $"{s.Phase}:{s.Progress}"))}");
        Assert.True(seen.Select(s => s.Progress).SequenceEqual(seen.Select(s => s.Progress).Order()), "progress went backwards");
        Assert.Contains(seen, s => s.Phase == JobPhase.Processing);

        var downloaded = cluster.Files.File("downloaded.webm");
        await using (var file = File.Create(downloaded))
            await cluster.Client.DownloadAsync(jobId, file, timeout.Token);
        var local = cluster.Files.File("local.webm");
        await CliProcess.JsonAsync("normalize", input, "-o", local, "--denoise", "stationary");
        Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(downloaded));

        // The blocks of the upload are gone; the job's input too, now that it is done.
        var left = new List<string>();
        await foreach (var key in cluster.S3Store!.ListAsync("uploads/")) left.Add(key);
        Assert.Empty(left);
    }

    [Fact]
    public async Task An_unknown_job_and_a_job_without_output_are_errors_with_their_codes()
    {
        using var s3 = await S3Server.StartAsync();
        await using var cluster = await RedisCluster.StartAsync(1, s3);
        var status = await cluster.Client.GetStatusAsync("no-such-job");
        Assert.False(status.Exists);
        var e = await Assert.ThrowsAsync<AudioGrainsException>(() => cluster.Client.DownloadAsync("no-such-job", Stream.Null));
        Assert.Equal(ErrorCodes.NotFound, e.Code);
    }
}
