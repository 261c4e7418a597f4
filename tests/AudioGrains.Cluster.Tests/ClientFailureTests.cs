using System.Diagnostics;
using System.Security.Cryptography;
using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// The client library where things go wrong, as a service embedding it meets them: a submission that breaks off, ids
/// no job can have, a download asked for too early or too late, the job's silo killed while a caller watches.
/// </summary>
public sealed class ClientFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_submission_without_a_key_that_breaks_off_or_is_cancelled_leaves_no_blocks_in_the_cluster()
    {
        await using var cluster = await RedisCluster.StartAsync(1);
        var input = await TestAudio.LavfiAsync(cluster.Files.File("tone.wav"), "sine=frequency=440:sample_rate=16000:duration=120", "-c:a", "pcm_s16le");
        var options = new NormalizeOptions { OutputFormat = "wav" };

        // 3.8 MB: two whole blocks of 1 MiB are sent before the file breaks off or the caller gives up.
        await using (var breaking = new BreakingStream(File.OpenRead(input), 2_500_000, cancel: null))
            await Assert.ThrowsAsync<IOException>(() => cluster.Client.SubmitAsync(breaking, "tone.wav", options));
        using var cts = new CancellationTokenSource();
        await using (var cancelling = new BreakingStream(File.OpenRead(input), 2_500_000, cts))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cluster.Client.SubmitAsync(cancelling, "tone.wav", options, ct: cts.Token));

        // Without a key nothing can resume them: their blocks must not stay in the store.
        var uploads = Path.Combine(cluster.DataDirectory, "uploads");
        var left = Directory.Exists(uploads) ? Directory.GetFiles(uploads, "*", SearchOption.AllDirectories) : [];
        output.WriteLine($"left in uploads/: {left.Length} files");
        Assert.Empty(left);
    }

    [Fact]
    public async Task An_upload_resumed_with_the_same_key_and_another_file_is_a_conflict_and_keeps_nothing_of_either()
    {
        await using var cluster = await RedisCluster.StartAsync(1);
        var first = await TestAudio.LavfiAsync(cluster.Files.File("first.wav"), "sine=frequency=440:sample_rate=16000:duration=120", "-c:a", "pcm_s16le");
        var second = await TestAudio.LavfiAsync(cluster.Files.File("second.wav"), "sine=frequency=660:sample_rate=16000:duration=120", "-c:a", "pcm_s16le");
        var options = new NormalizeOptions { OutputFormat = "wav" };

        // The first file breaks off after two blocks; the key is then used with the second file.
        await using (var breaking = new BreakingStream(File.OpenRead(first), 2_500_000, cancel: null))
            await Assert.ThrowsAsync<IOException>(() => cluster.Client.SubmitAsync(breaking, "first.wav", options, idempotencyKey: "key-1"));
        await using (var other = File.OpenRead(second))
        {
            var e = await Assert.ThrowsAsync<AudioGrainsException>(() => cluster.Client.SubmitAsync(other, "second.wav", options, idempotencyKey: "key-1"));
            output.WriteLine($"{e.Code}: {e.Message}");
            Assert.Equal(ErrorCodes.Conflict, e.Code);
        }
        var jobId = AudioGrainsClient.JobIdFor("key-1");
        Assert.False((await cluster.Client.GetStatusAsync(jobId)).Exists);
        Assert.DoesNotContain(Directory.GetFiles(cluster.DataDirectory, "*", SearchOption.AllDirectories), f => f.Contains(jobId, StringComparison.Ordinal));

        // Nothing of either was kept: the key now sends the second file whole, and the job's input is exactly it.
        await using (var again = File.OpenRead(second))
            Assert.Equal(jobId, await cluster.Client.SubmitAsync(again, "second.wav", options, idempotencyKey: "key-1"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(second))), (await cluster.Client.GetStatusAsync(jobId)).InputSha256);
    }

    [Fact]
    public async Task A_noise_recording_the_options_cannot_use_is_refused_before_anything_is_sent()
    {
        await using var cluster = await RedisCluster.StartAsync(1);
        var input = await TestAudio.LavfiAsync(cluster.Files.File("tone.wav"), "sine=frequency=440:sample_rate=16000:duration=60", "-c:a", "pcm_s16le");
        var noise = await TestAudio.NoiseAsync(cluster.Files.File("noise.wav"), 5);
        foreach (var options in new[]
                 {
                     new NormalizeOptions { OutputFormat = "wav", Denoise = NoiseReduction.Off },
                     new NormalizeOptions { OutputFormat = "wav", Denoise = NoiseReduction.Stationary, NoiseClipStartSeconds = 0, NoiseClipEndSeconds = 1 },
                 })
        {
            await using var stream = File.OpenRead(input);
            await using var noiseStream = File.OpenRead(noise);
            var e = await Assert.ThrowsAsync<AudioGrainsException>(() => cluster.Client.SubmitAsync(stream, "tone.wav", options, noiseStream));
            output.WriteLine($"{options.Denoise}: {e.Code}: {e.Message}");
            Assert.Equal(ErrorCodes.InvalidOptions, e.Code);
        }
        Assert.Empty(await cluster.Client.ListAsync(10));
        Assert.False(Directory.Exists(Path.Combine(cluster.DataDirectory, "uploads")) && Directory.EnumerateFiles(Path.Combine(cluster.DataDirectory, "uploads"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Ids_no_job_can_have_are_unknown_jobs_not_argument_errors()
    {
        await using var cluster = await RedisCluster.StartAsync(1);
        var client = (IAudioGrainsClient)cluster.Client;

        // An empty or blank id is an unknown job, not Orleans' argument error.
        foreach (var id in new[] { "", "  " })
        {
            Assert.False((await client.GetStatusAsync(id)).Exists);
            Assert.False((await client.CancelAsync(id)).Exists);
            Assert.False((await client.RetryAsync(id)).Exists);
            await client.DeleteAsync(id);
            Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<AudioGrainsException>(() => client.DownloadAsync(id, Stream.Null))).Code);
            Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<AudioGrainsException>(async () =>
            {
                await foreach (var _ in client.WatchAsync(id)) { }
            })).Code);
        }

    }

    [Fact]
    public async Task A_download_too_early_is_not_ready_too_late_is_expired_and_after_delete_not_found()
    {
        await using var cluster = await RedisCluster.StartAsync(1, "--AudioGrains:Processing:ResultTtl=00:00:04");
        var client = (IAudioGrainsClient)cluster.Client;

        // A job that runs has no output yet: not-ready (as HTTP's 409), not "not-found".
        var input = await TestAudio.LavfiAsync(cluster.Files.File("long.wav"), "sine=frequency=330:sample_rate=16000:duration=600", "-c:a", "pcm_s16le");
        string running;
        await using (var stream = File.OpenRead(input))
            running = await client.SubmitAsync(stream, "long.wav", new NormalizeOptions { OutputFormat = "wav", ChunkSeconds = 1, Denoise = NoiseReduction.Speech });
        var early = await Assert.ThrowsAsync<AudioGrainsException>(() => client.DownloadAsync(running, Stream.Null));
        output.WriteLine($"running: {early.Code}: {early.Message}");
        Assert.Equal(ErrorCodes.NotReady, early.Code);
        Assert.Equal(JobPhase.Cancelled, (await client.CancelAsync(running)).Phase);
        Assert.Equal(ErrorCodes.NotReady, (await Assert.ThrowsAsync<AudioGrainsException>(() => client.DownloadAsync(running, Stream.Null))).Code);

        // A completed job past its time to live: expired (as HTTP's 410).
        var small = await TestAudio.LavfiAsync(cluster.Files.File("small.wav"), "sine=frequency=440:sample_rate=16000:duration=3", "-c:a", "pcm_s16le");
        string done;
        await using (var stream = File.OpenRead(small))
            done = await client.SubmitAsync(stream, "small.wav", new NormalizeOptions { OutputFormat = "wav" });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Assert.Equal(JobPhase.Completed, (await cluster.Client.WaitAsync(done, ct: timeout.Token)).Phase);
        while ((await client.GetStatusAsync(done)).Phase != JobPhase.Expired) await Task.Delay(250, timeout.Token);
        var late = await Assert.ThrowsAsync<AudioGrainsException>(() => client.DownloadAsync(done, Stream.Null));
        output.WriteLine($"expired: {late.Code}: {late.Message}");
        Assert.Equal(ErrorCodes.Expired, late.Code);

        // Deleted: not-found.
        await client.DeleteAsync(done);
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<AudioGrainsException>(() => client.DownloadAsync(done, Stream.Null))).Code);
    }

    [Fact]
    public async Task A_watch_goes_on_through_its_silo_killed_and_restarted_and_ends_with_the_completed_job()
    {
        await using var cluster = await RedisCluster.StartAsync(1);
        var (_, jobId, running) = await cluster.StartJobInOneSecondChunksAsync(seconds: 600, chunksDone: 5);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var seen = new List<JobStatus>();
        var watch = Task.Run(async () =>
        {
            await foreach (var status in cluster.Client.WatchAsync(jobId, ct: timeout.Token)) seen.Add(status);
        });
        await Task.Delay(500);

        // The only silo dies without a word; a new one starts a moment later (a restart, as a supervisor does it).
        cluster.Silos[0].Kill();
        var killed = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(2));
        cluster.Silos.Add(await SiloProcess.StartAsync(cluster.RedisConfiguration, cluster.DataDirectory));
        output.WriteLine($"killed at {running.ChunksCompleted} chunks; new silo ready {killed.Elapsed.TotalSeconds:F1} s after the kill");

        await watch;
        output.WriteLine($"{seen.Count} statuses, the last {seen[^1].Phase} {killed.Elapsed.TotalSeconds:F1} s after the kill");
        Assert.Equal(JobPhase.Completed, seen[^1].Phase);
    }
}
