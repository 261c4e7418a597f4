using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// An ended job expires after the TTL and answers "expired" for the record's retention; then it is forgotten by
/// itself: unknown to every call, and nothing of it is left in Redis (its grain state, its dedupe claim, its reminder,
/// its registry entry); a delete leaves nothing either. A long-lived cluster's Redis does not grow with every job it
/// ever ran.
/// </summary>
public sealed class RecordRetentionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task An_expired_job_is_forgotten_after_its_retention_and_leaves_nothing_of_itself_in_redis()
    {
        await using var cluster = await RedisCluster.StartAsync(1, $"--AudioGrains:Processing:ResultTtl={Ttl}", $"--AudioGrains:Processing:ExpiredRecordRetention={Retention}");
        var client = (IAudioGrainsClient)cluster.Client;
        var input = await TestAudio.LavfiAsync(cluster.Files.File("tone.wav"), "sine=frequency=523:sample_rate=16000:duration=3", "-c:a", "pcm_s16le");
        var options = new NormalizeOptions { OutputFormat = "wav", ChunkSeconds = 1 };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        string id;
        await using (var stream = File.OpenRead(input))
            id = await client.SubmitAsync(stream, "tone.wav", options, idempotencyKey: "retention-1", ct: timeout.Token);
        var done = await cluster.Client.WaitAsync(id, ct: timeout.Token);
        Assert.True(done.Phase == JobPhase.Completed, $"phase {done.Phase}: {done.ErrorMessage}");
        var sha256 = done.InputSha256 ?? throw new InvalidOperationException("the job names no input hash");
        var held = Mentioning(await cluster.Redis.EntriesAsync(), id, sha256);
        output.WriteLine($"completed; Redis entries naming the job or its content:\n  {string.Join("\n  ", held.Select(Shorten))}");
        Assert.Contains(held, e => e.Contains(id) && e.Contains("job"));
        Assert.Contains(held, e => e.Contains(sha256));

        // Expired: the record answers for the retention, with its expiry time past.
        var expired = await client.GetStatusAsync(id, timeout.Token);
        while (expired.Phase != JobPhase.Expired)
        {
            await Task.Delay(250, timeout.Token);
            expired = await client.GetStatusAsync(id, timeout.Token);
        }
        Assert.True(expired.Exists);
        Assert.Equal(ErrorCodes.Expired, (await Assert.ThrowsAsync<AudioGrainsException>(() => client.DownloadAsync(id, Stream.Null))).Code);

        // Nobody asks the job from here: its own timer forgets it, and Redis no longer holds anything of it.
        var forgetAt = expired.ExpiresAt!.Value + Retention;
        List<string> left = [];
        for (var until = DateTime.UtcNow + Retention + TimeSpan.FromSeconds(20); DateTime.UtcNow < until; await Task.Delay(250))
        {
            left = Mentioning(await cluster.Redis.EntriesAsync(), id, sha256);
            if (left.Count == 0) break;
        }
        var gone = DateTimeOffset.UtcNow;
        output.WriteLine($"expired at {expired.ExpiresAt:HH:mm:ss.fff}, forget due {forgetAt:HH:mm:ss.fff}, nothing in Redis by {gone:HH:mm:ss.fff}");
        Assert.True(left.Count == 0, $"still in Redis: {string.Join(" | ", left.Select(Shorten))}");
        Assert.True(gone >= forgetAt - TimeSpan.FromMilliseconds(300), "forgotten before its retention had passed");

        // Unknown now, to every call; the key names a new request, which starts a new job under it.
        Assert.False((await client.GetStatusAsync(id)).Exists);
        Assert.Equal(ErrorCodes.NotFound, (await Assert.ThrowsAsync<AudioGrainsException>(() => client.DownloadAsync(id, Stream.Null))).Code);
        string again;
        await using (var stream = File.OpenRead(input))
            again = await client.SubmitAsync(stream, "tone.wav", options, idempotencyKey: "retention-1", ct: timeout.Token);
        Assert.Equal(id, again);
        var rerun = await cluster.Client.WaitAsync(again, ct: timeout.Token);
        Assert.Equal(JobPhase.Completed, rerun.Phase);
        Assert.True(rerun.CreatedAt > expired.ExpiresAt, $"created {rerun.CreatedAt:O}: the old record answered");

        // A delete leaves nothing in Redis either: no empty hash with its etag per deleted job.
        Assert.NotEmpty(Mentioning(await cluster.Redis.EntriesAsync(), again, sha256));
        await client.DeleteAsync(again);
        var afterDelete = Mentioning(await cluster.Redis.EntriesAsync(), again, sha256);
        Assert.True(afterDelete.Count == 0, $"still in Redis after the delete: {string.Join(" | ", afterDelete.Select(Shorten))}");
    }

    /// <summary>The entries that name the job or its content (the dedupe claim is keyed by the input's SHA-256).</summary>
    private static List<string> Mentioning(IEnumerable<string> entries, string jobId, string sha256) =>
        [.. entries.Where(e => e.Contains(jobId, StringComparison.OrdinalIgnoreCase) || e.Contains(sha256, StringComparison.OrdinalIgnoreCase))];

    private static string Shorten(string entry) => entry.Length <= 200 ? entry : entry[..200] + "…";
}
