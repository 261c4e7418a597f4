using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Cluster.Tests;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Reliability.Tests;

/// <summary>
/// Redis without a single point of failure: the silos and the client reach Redis through three sentinels. kill -9 of
/// the primary in the middle of a job: the sentinels promote the replica, membership, job state and reminders follow
/// it, and the job completes with the output of an undisturbed run.
/// </summary>
public sealed class SentinelFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_job_completes_with_identical_output_after_a_sentinel_failover_of_the_redis_primary_mid_job()
    {
        using var redis = await RedisSentinelSet.StartAsync();
        await using var cluster = await RedisCluster.StartOnAsync(redis.ConnectionString, 3,
            "--AudioGrains:Processing:MaxChunksInFlight=1", "--AudioGrains:Processing:CheckpointInterval=00:00:00");
        var (input, jobId, _) = await cluster.StartJobInOneSecondChunksAsync(seconds: 180, chunksDone: 20);

        Assert.Equal(redis.Primary.ConnectionString, await redis.PrimaryAddressAsync());
        redis.Primary.Kill();
        var killed = Stopwatch.StartNew();
        // What was saved before the kill: the job cannot save anything until a primary answers again.
        var atKill = await cluster.Client.GetStatusAsync(jobId);

        TimeSpan? promoted = null;
        while (promoted is null && killed.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await redis.PrimaryAddressAsync() == redis.Replica.ConnectionString && await RedisSentinelSet.RoleAsync(redis.Replica) == "master")
                promoted = killed.Elapsed;
            else await Task.Delay(100);
        }
        Assert.True(promoted is not null, $"the sentinels did not promote the replica within 30 s:\n{redis.SentinelLogs()}");
        output.WriteLine(string.Join('\n', redis.SentinelLogs().Split('\n').Where(l => l.StartsWith("sentinel-0", StringComparison.Ordinal) && (l.Contains(" # +", StringComparison.Ordinal) || l.Contains(" # -", StringComparison.Ordinal)))));

        var progressed = await cluster.WaitUntilAsync(jobId, s => s.Phase != JobPhase.Processing || s.ChunksCompleted > atKill.ChunksCompleted,
            TimeSpan.FromSeconds(60), "progress after the failover");
        var progressAfter = killed.Elapsed;
        var progressedAt = DateTimeOffset.UtcNow;
        output.WriteLine($"primary killed at {atKill.ChunksCompleted}/{atKill.ChunksTotal} chunks saved; replica promoted {promoted.Value.TotalSeconds:F1} s later; " +
            $"progress {progressAfter.TotalSeconds:F1} s after the kill ({progressed.ChunksCompleted} chunks)");

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var final = await cluster.Client.WaitAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(500), ct: timeout.Token);
        Assert.Equal(JobPhase.Completed, final.Phase);
        output.WriteLine($"completed {killed.Elapsed.TotalSeconds:F1} s after the kill on {final.Host}");
        Assert.All(cluster.Silos, s => Assert.False(s.HasExited, "a silo died with the Redis primary"));

        // While the primary is down, StackExchange.Redis may send a script (the grain state write) to the replica,
        // which refuses it (READONLY): a failed write the job retries, nothing written. Once the replica is promoted
        // and the job has moved on, no silo may still be writing to a replica (a multiplexer left on the old roles).
        var readOnly = cluster.Silos.SelectMany(s => s.Events).Where(e => (e.Text("@x") ?? e.Message).Contains("READONLY", StringComparison.Ordinal))
            .Select(e => DateTimeOffset.Parse(e.Text("@t")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        output.WriteLine($"READONLY refusals: {readOnly.Count} during the failover, {readOnly.Count(t => t > progressedAt)} after the job moved on");
        Assert.DoesNotContain(readOnly, t => t > progressedAt);
        // Every silo saw its connection to the old primary go and its connection to the new one come (back) up.
        Assert.All(cluster.Silos, s =>
        {
            Assert.Contains(s.Lines, l => l.Contains($"Redis connection to {redis.Primary.ConnectionString} lost", StringComparison.Ordinal));
            Assert.Contains(s.Lines, l => l.Contains($"Redis connection to {redis.Replica.ConnectionString} restored", StringComparison.Ordinal));
        });

        var single = cluster.Files.File("single.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", single, "--chunk-seconds", "1");
        Assert.Equal(WavFile.Read(single).Samples, WavFile.Read(await cluster.OutputFileAsync(final.OutputKey!)).Samples);
    }
}
