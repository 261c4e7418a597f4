using System.Diagnostics;
using System.Security.Cryptography;
using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// Every way a job can end, on one real cluster (two silo processes, Redis, blobs in an S3 bucket on s3rver, each silo
/// with its own temp folder), with short TTLs: once every job is past its TTL and its record's retention, nothing of
/// any of them is left: no key in the bucket, no Redis entry naming a job or its content (state, dedupe claim,
/// callback, reminders, registry), no staged copy in a silo's temp folder (a killed silo's once a silo starts on its
/// folder again), no ffmpeg process.
/// </summary>
public sealed class JobLeftoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan UploadTtl = TimeSpan.FromSeconds(3);

    /// <summary>Jobs of more than this many chunks wait 5 s at it, then fail, every try: the dead-lettered path, and jobs held in processing.</summary>
    private const int FailingChunk = 40;

    private readonly List<string> _ids = [];
    private readonly List<string> _hashes = [];

    [Fact]
    public async Task Every_way_a_job_ends_leaves_nothing_in_the_bucket_redis_the_temp_folders_or_the_process_table()
    {
        using var s3 = await S3Server.StartAsync();
        await using var deadHook = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(503));
        await using var slowHook = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(200, Delay: TimeSpan.FromSeconds(5)));
        await using var hook = CallbackReceiver.Start(FreePorts.Next());
        await using var cluster = await RedisCluster.StartAsync(2, s3,
            $"--AudioGrains:Processing:ResultTtl={Ttl}", $"--AudioGrains:Processing:ExpiredRecordRetention={Retention}",
            $"--AudioGrains:Processing:AbandonedUploadTtl={UploadTtl}",
            "--AudioGrains:Processing:MaxChunkAttempts=1", "--AudioGrains:Processing:MaxJobAttempts=1",
            "--AudioGrains:Processing:RetryBaseDelay=00:00:00.050", "--AudioGrains:Processing:RetryMaxDelay=00:00:00.100",
            "--AudioGrains:Processing:EncodeSegmentSeconds=5",
            $"--AudioGrains:Faults:Chunk={FailingChunk}", "--AudioGrains:Faults:ChunkAlwaysFails=true", "--AudioGrains:Faults:ChunkDelay=00:00:05",
            "--AudioGrains:Http:CallbackSigningKey=leftover-test-signing-key", "--AudioGrains:Http:AllowPrivateCallbacks=true",
            "--AudioGrains:Http:CallbackMaxAttempts=2", "--AudioGrains:Http:CallbackRetryBaseDelay=00:00:00.200",
            "--AudioGrains:Http:CallbackRetryMaxDelay=00:00:00.400", "--AudioGrains:Http:CallbackTimeout=00:00:01");
        var client = (IAudioGrainsClient)cluster.Client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        var files = cluster.Files;
        var wav = new NormalizeOptions { OutputFormat = "wav", ChunkSeconds = 1 };

        // Completed, then a submission of the same content and options joins it; then it expires and is forgotten.
        var tone = await TestAudio.ToneAsync(files.File("tone.wav"), 3, 440, 0.3, 16000);
        var completed = await SubmitAsync(client, tone, wav, "completed", ct);
        Assert.Equal(completed, await SubmitAsync(client, tone, wav, "joins-completed", ct));
        await EndsAsync(cluster, completed, JobPhase.Completed, ct);

        // Refused at probe: not media, and a file with no audio stream.
        var garbage = files.File("garbage.wav");
        await File.WriteAllBytesAsync(garbage, [.. Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7919 % 251))], ct);
        await EndsAsync(cluster, await SubmitAsync(client, garbage, wav, null, ct), JobPhase.Failed, ct);
        var video = await TestAudio.LavfiAsync(files.File("video.mkv"), "testsrc=size=64x64:rate=5:duration=2", "-c:v", "mpeg4");
        await EndsAsync(cluster, await SubmitAsync(client, video, wav, null, ct), JobPhase.Failed, ct);

        // Dead-lettered: a job of more chunks than the failing one keeps its input and work until it expires.
        var long45 = await TestAudio.ToneAsync(files.File("long45.wav"), FailingChunk + 5, 330, 0.3, 16000);
        var deadLetter = await SubmitAsync(client, long45, wav, null, ct);
        var dead = await EndsAsync(cluster, deadLetter, JobPhase.Failed, ct);
        var kept = await KeysAsync(cluster, $"jobs/{deadLetter}/");
        output.WriteLine($"dead letter {dead.ErrorCode}: {dead.ErrorMessage}; keeps {string.Join(", ", kept)}");
        Assert.Contains($"jobs/{deadLetter}/input", kept);

        // Cancelled while queued (just started) and while processing; deleted while processing (held at the failing
        // chunk, which waits before it fails).
        var slow = wav with { TargetLufs = -20 };
        var queued = Guid.NewGuid().ToString("N");
        Track(queued);
        await cluster.Client.StartAsync(queued, cluster.Stage(queued, long45, slow));
        Assert.Equal(JobPhase.Cancelled, (await client.CancelAsync(queued, ct)).Phase);
        var cancelled = await SubmitAsync(client, long45, slow, null, ct);
        await cluster.WaitUntilAsync(cancelled, s => s.Phase == JobPhase.Processing, TimeSpan.FromMinutes(1), "processing");
        Assert.Equal(JobPhase.Cancelled, (await client.CancelAsync(cancelled, ct)).Phase);
        var deleted = await SubmitAsync(client, long45, slow with { TargetLufs = -18 }, null, ct);
        await cluster.WaitUntilAsync(deleted, s => s.Phase == JobPhase.Processing, TimeSpan.FromMinutes(1), "processing");
        await client.DeleteAsync(deleted, ct);
        Assert.False((await client.GetStatusAsync(deleted, ct)).Exists);

        // Cancelled while encoding Opus segments.
        var tenMinutes = await TestAudio.ToneAsync(files.File("ten-minutes.wav"), 600, 660, 0.3, 16000);
        var opus = await SubmitAsync(client, tenMinutes, new NormalizeOptions { OutputFormat = "opus", ChunkSeconds = 30 }, null, ct);
        await cluster.WaitUntilAsync(opus, s => s.Phase == JobPhase.Encoding, TimeSpan.FromMinutes(1), "encoding");
        Assert.Equal(JobPhase.Cancelled, (await client.CancelAsync(opus, ct)).Phase);

        // Callbacks: delivered; given up (the receiver answers 503 to both tries); pending when its job is deleted.
        var delivered = Guid.NewGuid().ToString("N");
        var givenUp = Guid.NewGuid().ToString("N");
        var pending = Guid.NewGuid().ToString("N");
        foreach (var (id, url, pitch) in new[] { (delivered, hook.Url, 600), (givenUp, deadHook.Url, 700), (pending, slowHook.Url, 800) })
        {
            Track(id);
            var input = await TestAudio.ToneAsync(files.File($"{id}.wav"), 2, pitch, 0.3, 16000);
            await cluster.Client.StartAsync(id, cluster.Stage(id, input, wav) with { CallbackUrl = url });
        }
        await EndsAsync(cluster, delivered, JobPhase.Completed, ct);
        await EndsAsync(cluster, givenUp, JobPhase.Completed, ct);
        await EndsAsync(cluster, pending, JobPhase.Completed, ct);
        await WaitForAsync(() => hook.Received.Count >= 1 && deadHook.Received.Count >= 2 && slowHook.Received.Count >= 1, ct);
        await client.DeleteAsync(pending, ct);

        // Uploads that never become jobs: dropped midway with a key and never resumed; one deleted (404) midway.
        var bytes = await File.ReadAllBytesAsync(long45, ct);
        foreach (var key in new[] { "dropped", "deleted-while-uploading" })
        {
            var id = AudioGrainsClient.JobIdFor($"{key}-{Guid.NewGuid():N}");
            Track(id);
            await cluster.Client.UploadAsync(id, UploadTarget.Input, new MemoryStream(bytes, 0, bytes.Length / 2), ct);
            if (key.StartsWith("deleted")) await client.DeleteAsync(id, ct);
        }

        // A silo killed (SIGKILL, its children left to themselves) while it assembles a job's output; the job is deleted.
        var killed = await SubmitAsync(client, tenMinutes, new NormalizeOptions { OutputFormat = "flac", ChunkSeconds = 30 }, null, ct);
        var host = cluster.Silos.Single(silo => silo.Lines.Any(l => l.Contains($"Job {killed} started", StringComparison.Ordinal)));
        var hostTemp = cluster.SiloTempFolders[cluster.Silos.IndexOf(host)];
        await cluster.WaitUntilAsync(killed, s => s.Phase == JobPhase.Assembling && Directory.EnumerateFiles(hostTemp, "*", SearchOption.AllDirectories).Any(), TimeSpan.FromMinutes(1),
            "assembling into a staged file");
        using (var kill = Process.Start("kill", ["-KILL", host.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(ct);
        output.WriteLine($"killed silo {host.ProcessId} while it assembled job {killed}; its temp folder: {string.Join(", ", Directory.EnumerateFiles(hostTemp, "*", SearchOption.AllDirectories))}");
        output.WriteLine($"ffmpeg processes just after: {string.Join(" | ", FfmpegProcessesUnder(files.Path))}");
        // A poll stuck on the dead silo may outlast the job's resume, end, TTL and retention: then it is forgotten.
        try
        {
            var resumed = await cluster.Client.WaitAsync(killed, ct: ct);
            Assert.True(resumed.Phase is JobPhase.Completed or JobPhase.Expired, $"job {killed}: {resumed.Phase} ({resumed.ErrorMessage})");
            await client.DeleteAsync(killed, ct);
        }
        catch (AudioGrainsException e) when (e.Code == ErrorCodes.NotFound)
        {
            var survivor = cluster.Silos.Single(silo => silo != host);
            Assert.Contains(survivor.Lines, l => l.Contains($"Job {killed} forgotten", StringComparison.Ordinal));
        }

        // Every job expires, then is forgotten, by itself; the uploads are given up.
        var deadline = DateTime.UtcNow + Ttl + Retention + UploadTtl + TimeSpan.FromSeconds(30);
        List<string> blobs, redis;
        do
        {
            await Task.Delay(500, ct);
            blobs = await KeysAsync(cluster);
            redis = [.. (await cluster.Redis.EntriesAsync()).Where(Names)];
        }
        while ((blobs.Count > 0 || redis.Count > 0) && DateTime.UtcNow < deadline);
        output.WriteLine($"bucket: {blobs.Count} keys; Redis: {redis.Count} entries naming a job");

        // What the killed silo was staging stays until a silo starts on its temp folder again (a restart, as a
        // supervisor does); that one deletes it, while its own staged files and a live silo's are left alone.
        var orphans = Directory.EnumerateFiles(hostTemp, "*", SearchOption.AllDirectories).ToList();
        output.WriteLine($"the killed silo's temp folder before a silo starts on it again: {string.Join(", ", orphans)}");
        await cluster.StartSiloAsync(hostTemp);
        var temps = cluster.SiloTempFolders.SelectMany(t => Directory.EnumerateFiles(t, "*", SearchOption.AllDirectories)).ToList();
        var ffmpeg = FfmpegProcessesUnder(files.Path);
        Assert.True(blobs.Count == 0, $"left in the bucket: {string.Join(", ", blobs)}");
        foreach (var silo in cluster.Silos)
            foreach (var line in silo.Lines.Where(l => l.Contains("registry", StringComparison.OrdinalIgnoreCase) && l.Contains("could not", StringComparison.Ordinal)))
                output.WriteLine($"silo {silo.ProcessId}: {line}");
        Assert.True(redis.Count == 0, $"left in Redis, naming {string.Join(", ", redis.SelectMany(e => _ids.Concat(_hashes).Where(n => e.Contains(n, StringComparison.OrdinalIgnoreCase))).Distinct())}: " +
            string.Join(" | ", redis.Select(e => e.Length > 200 ? e[..200] + "…" : e)));
        Assert.True(s3.PendingUploads(s3.Bucket).Count == 0, $"multipart uploads left: {string.Join(", ", s3.PendingUploads(s3.Bucket))}");
        Assert.True(temps.Count == 0, $"left in the silos' temp folders: {string.Join(", ", temps)}");
        Assert.True(ffmpeg.Count == 0, $"ffmpeg processes left: {string.Join(" | ", ffmpeg)}");
    }

    private void Track(string jobId, [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
    {
        _ids.Add(jobId);
        output.WriteLine($"job {jobId} (line {line})");
    }

    private bool Names(string entry) =>
        _ids.Any(id => entry.Contains(id, StringComparison.OrdinalIgnoreCase)) || _hashes.Any(h => entry.Contains(h, StringComparison.OrdinalIgnoreCase));

    /// <summary>Submits through the client library (with an idempotency key when <paramref name="key"/> is given); the job's id.</summary>
    private async Task<string> SubmitAsync(IAudioGrainsClient client, string input, NormalizeOptions options, string? key, CancellationToken ct)
    {
        var idempotencyKey = key is null ? null : $"{key}-{Guid.NewGuid():N}";
        if (idempotencyKey is not null) Track(AudioGrainsClient.JobIdFor(idempotencyKey));
        // The dedupe claim is keyed by the content's SHA-256, as the cluster computes it.
        await using (var file = File.OpenRead(input)) _hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct)));
        await using var stream = File.OpenRead(input);
        var id = await client.SubmitAsync(stream, Path.GetFileName(input), options, idempotencyKey: idempotencyKey, ct: ct);
        Track(id);
        return id;
    }

    /// <summary>Waits for the job to end in <paramref name="phase"/>.</summary>
    private async Task<JobStatus> EndsAsync(RedisCluster cluster, string jobId, JobPhase phase, CancellationToken ct)
    {
        var status = await cluster.Client.WaitAsync(jobId, ct: ct);
        Assert.True(status.Phase == phase, $"job {jobId}: {status.Phase} ({status.ErrorCode}: {status.ErrorMessage}), not {phase}");
        return status;
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition()) await Task.Delay(100, ct);
    }

    private static async Task<List<string>> KeysAsync(RedisCluster cluster, string prefix = "")
    {
        var keys = new List<string>();
        await foreach (var key in cluster.S3Store!.ListAsync(prefix)) keys.Add(key);
        return keys;
    }

    /// <summary>ffmpeg and ffprobe processes whose command line names a file of this test.</summary>
    private static List<string> FfmpegProcessesUnder(string folder)
    {
        var found = new List<string>();
        foreach (var process in Process.GetProcesses())
        {
            try
            {
                if (process.ProcessName is not ("ffmpeg" or "ffprobe")) continue;
                var commandLine = File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
                if (commandLine.Contains(folder, StringComparison.Ordinal)) found.Add($"{process.Id}: {commandLine}");
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
            finally
            {
                process.Dispose();
            }
        }
        return found;
    }
}
