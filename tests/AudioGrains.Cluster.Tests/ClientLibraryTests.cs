using System.Security.Cryptography;
using AudioGrains.Client;
using Microsoft.Extensions.DependencyInjection;
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
        // 20 s of the expression looped to 10 minutes: evaluating it for every sample of 10 minutes took 23 s.
        var input = await TestAudio.LavfiAsync(cluster.Files.File("talk.mp3"),
            "aevalsrc='0.2*sin(2*PI*(180+60*sin(2*PI*0.4*t))*t)*(0.5+0.5*sin(2*PI*3*t))+0.01*(random(0)-0.5)|0.15*sin(2*PI*(200+50*sin(2*PI*0.3*t))*t)':s=44100:d=20,aloop=loop=-1:size=882000,atrim=duration=600",
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

/// <summary>Uploads that resume, and submissions that join: through the client library, on Redis and S3.</summary>
public sealed class ClientUploadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_upload_dropped_halfway_resumes_with_only_the_missing_blocks_and_stores_exactly_the_file()
    {
        using var s3 = await S3Server.StartAsync();
        var blocks = new BlockCounter();
        await using var cluster = await RedisCluster.StartAsync(1, s3, services => services.AddSingleton<IOutgoingGrainCallFilter>(blocks));
        var input = await TestAudio.LavfiAsync(cluster.Files.File("tone.wav"), "sine=frequency=440:sample_rate=44100:duration=100", "-ac", "2", "-c:a", "pcm_s16le");
        var length = new FileInfo(input).Length; // about 17.6 MB: 17 blocks of 1 MiB and a short one
        var totalBlocks = (int)((length + (1 << 20) - 1) >> 20);
        var options = new NormalizeOptions { OutputFormat = "wav" };

        await using (var dropping = new BreakingStream(File.OpenRead(input), length / 2))
            await Assert.ThrowsAsync<IOException>(() => cluster.Client.SubmitAsync(dropping, "tone.wav", options, idempotencyKey: "upload-1"));
        var jobId = AudioGrainsClient.JobIdFor("upload-1");
        var received = await cluster.Grains.GetGrain<IUploadGrain>(jobId).GetReceivedAsync(UploadTarget.Input);
        var sentBefore = blocks.Count;
        output.WriteLine($"dropped after {length / 2} of {length} bytes: {received} stored in {sentBefore} blocks");
        Assert.Equal((length / 2) >> 20 << 20, received);

        await using (var stream = File.OpenRead(input))
            Assert.Equal(jobId, await cluster.Client.SubmitAsync(stream, "tone.wav", options, idempotencyKey: "upload-1"));
        Assert.Equal(totalBlocks - sentBefore, blocks.Count - sentBefore);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var status = await cluster.Client.WaitAsync(jobId, ct: timeout.Token);
        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorMessage}");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(input))), status.InputSha256);

        // The same key again: the same job, nothing sent.
        await using (var again = File.OpenRead(input))
            Assert.Equal(jobId, await cluster.Client.SubmitAsync(again, "tone.wav", options, idempotencyKey: "upload-1"));
        Assert.Equal(totalBlocks, blocks.Count);

        // The key with other options, or with another file: a conflict, and nothing is sent.
        await using (var same = File.OpenRead(input))
        {
            var e = await Assert.ThrowsAsync<AudioGrainsException>(() => cluster.Client.SubmitAsync(same, "tone.wav", options with { TargetLufs = -16 }, idempotencyKey: "upload-1"));
            Assert.Equal(ErrorCodes.Conflict, e.Code);
        }
        await using (var other = new MemoryStream(new byte[1000]))
        {
            var e = await Assert.ThrowsAsync<AudioGrainsException>(() => cluster.Client.SubmitAsync(other, "tone.wav", options, idempotencyKey: "upload-1"));
            Assert.Equal(ErrorCodes.Conflict, e.Code);
        }
        Assert.Equal(totalBlocks, blocks.Count);
    }

    [Fact]
    public async Task The_same_file_and_options_from_two_submissions_at_once_make_one_job_and_each_chunk_is_processed_once()
    {
        using var s3 = await S3Server.StartAsync();
        await using var cluster = await RedisCluster.StartAsync(2, s3);
        var input = await TestAudio.SpeechAsync(cluster.Files.File("speech.wav"), 40);
        var options = new NormalizeOptions { OutputFormat = "wav", ChunkSeconds = 2 };

        async Task<string> SubmitAsync()
        {
            await using var stream = File.OpenRead(input);
            return await cluster.Client.SubmitAsync(stream, "speech.wav", options);
        }
        var ids = await Task.WhenAll(SubmitAsync(), SubmitAsync());
        Assert.Equal(ids[0], ids[1]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var status = await cluster.Client.WaitAsync(ids[0], ct: timeout.Token);
        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorMessage}");
        var processed = ChunkLog.Processed(cluster.Silos.SelectMany(s => s.Lines), ids[0]).ToList();
        Assert.Equal(status.ChunksTotal, processed.Count);
        Assert.Equal(processed.Count, processed.Distinct().Count());
        // Different options are another job.
        await using var stream = File.OpenRead(input);
        Assert.NotEqual(ids[0], await cluster.Client.SubmitAsync(stream, "speech.wav", options with { TargetLufs = -16 }));
    }

    /// <summary>Counts the upload blocks the client sends.</summary>
    private sealed class BlockCounter : IOutgoingGrainCallFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IUploadGrain.WriteBlockAsync)) Interlocked.Increment(ref _count);
            return context.Invoke();
        }
    }
}
