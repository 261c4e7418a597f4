using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Uploads;
using AudioGrains.Jobs.Tests.Harness;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// What an upload that never becomes a job leaves in the blob store: nothing, whether its completion was refused after
/// the input was joined, or its client went away (with an idempotency key, to resume later, or killed) and never came
/// back: its blocks go after <see cref="LifetimeClusterFixture.UploadTtl"/> without a block, while an upload that goes
/// on keeps them.
/// </summary>
[Collection(LifetimeClusterCollection.Name)]
public sealed class UploadLeftoverTests(LifetimeClusterFixture fixture)
{
    /// <summary>Stationary noise reduction with a separate noise recording: the completion joins the input, then the recording.</summary>
    private static NormalizeOptions WithNoiseRecording => LifetimeClusterFixture.Wav with { Denoise = NoiseReduction.Stationary };

    [Fact]
    public async Task A_submission_refused_after_its_input_was_joined_leaves_no_input_behind()
    {
        var input = await fixture.NewInputAsync();
        var before = await AllKeysAsync();

        // An empty noise recording is refused at completion, after the input's blocks were joined into the job's input.
        // Without a key the client abandons the upload: nothing of it may stay.
        await using (var stream = File.OpenRead(input))
            Assert.Equal(ErrorCodes.EmptyInput, (await Assert.ThrowsAsync<AudioGrainsException>(() =>
                fixture.Client.SubmitAsync(stream, "tone.wav", WithNoiseRecording, noise: new MemoryStream()))).Code);
        var left = (await AllKeysAsync()).Except(before).ToList();
        Assert.True(left.Count == 0, $"a keyless submission refused at completion left: {string.Join(", ", left)}");

        // With a key the blocks stay for a resume (until the upload's TTL), but no job input of a job that never started.
        var key = $"refused-{Guid.NewGuid():N}";
        var jobId = AudioGrainsClient.JobIdFor(key);
        await using (var stream = File.OpenRead(input))
            await Assert.ThrowsAsync<AudioGrainsException>(() =>
                fixture.Client.SubmitAsync(stream, "tone.wav", WithNoiseRecording, noise: new MemoryStream(), idempotencyKey: key));
        Assert.NotEmpty(await fixture.Store.KeysAsync(UploadBlocks.Root(jobId) + "/"));
        Assert.Empty(await fixture.BlobsOf(jobId));
        Assert.False((await fixture.Jobs.Job(jobId).GetStatusAsync()).Exists);
    }

    [Fact]
    public async Task An_upload_nobody_completes_is_deleted_after_its_ttl_and_one_that_goes_on_is_kept()
    {
        var input = await fixture.NewInputAsync();
        var bytes = await File.ReadAllBytesAsync(input);
        var ttl = LifetimeClusterFixture.UploadTtl;

        // Dropped midway with an idempotency key: half its blocks sent, never resumed, never abandoned.
        var droppedId = AudioGrainsClient.JobIdFor($"dropped-{Guid.NewGuid():N}");
        var dropped = fixture.Jobs.Grains.GetGrain<IUploadGrain>(droppedId);
        await dropped.WriteBlockAsync(UploadTarget.Input, 0, bytes[..(bytes.Length / 2)]);
        Assert.NotEmpty(await fixture.Store.KeysAsync(UploadBlocks.Root(droppedId) + "/"));

        // Slow but alive: one block every half TTL, for twice the TTL, then completed; it becomes its job.
        var slowId = JobClusterFixture.NewJobId("slow");
        var slow = fixture.Jobs.Grains.GetGrain<IUploadGrain>(slowId);
        const int blocks = 5;
        var size = (bytes.Length + blocks - 1) / blocks;
        for (var i = 0; i < blocks; i++)
        {
            await slow.WriteBlockAsync(UploadTarget.Input, i * size, bytes[(i * size)..Math.Min(bytes.Length, (i + 1) * size)]);
            if (i < blocks - 1) await Task.Delay(ttl / 2);
        }
        var started = await slow.CompleteAsync(new JobRequest { FileName = "slow.wav", InputBytes = bytes.Length, Options = LifetimeClusterFixture.Wav });
        Assert.Equal(slowId, started.JobId);
        Assert.True(started.Exists, "the slow upload did not become its job");

        // By now the dropped upload has been idle for more than twice its TTL (reminders and timers fire late by a little).
        var deadline = DateTime.UtcNow + ttl + TimeSpan.FromSeconds(10);
        List<string> left;
        while ((left = await fixture.Store.KeysAsync(UploadBlocks.Root(droppedId) + "/")).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(left.Count == 0, $"the dropped upload's blocks are still there: {string.Join(", ", left)}");
        Assert.Empty(await fixture.BlobsOf(droppedId));

        var done = await fixture.Jobs.WaitForTerminalAsync(slowId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobPhase.Completed, done.Phase);
        Assert.Empty(await fixture.Store.KeysAsync(UploadBlocks.Root(slowId) + "/"));
        await fixture.Client.DeleteAsync(slowId);
    }

    private async Task<HashSet<string>> AllKeysAsync() =>
        [.. await fixture.Store.KeysAsync("jobs/"), .. await fixture.Store.KeysAsync("uploads/")];
}
