using AudioGrains.Abstractions;
using AudioGrains.Jobs.Tests.Harness;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// Completing an upload is idempotent, also when the upload joined an earlier job with the same content and options:
/// a client whose first completion timed out (a 1 GB input takes a while to join) tries again and must get the job.
/// </summary>
[Collection(LifetimeClusterCollection.Name)]
public sealed class UploadCompletionTests(LifetimeClusterFixture fixture)
{
    [Fact]
    public async Task A_completion_tried_again_after_the_upload_joined_an_earlier_job_returns_that_job()
    {
        var input = await fixture.NewInputAsync();
        var ownerId = JobClusterFixture.NewJobId("owner");
        var never = new TaskCompletionSource();
        fixture.Hold(ownerId, never.Task);
        try
        {
            Assert.Equal(ownerId, (await fixture.UploadAsync(ownerId, input, LifetimeClusterFixture.Wav)).JobId);
            await fixture.WaitHeldAsync(ownerId);

            var joinerId = JobClusterFixture.NewJobId("joiner");
            var first = await fixture.UploadAsync(joinerId, input, LifetimeClusterFixture.Wav);
            Assert.Equal(ownerId, first.JobId);
            Assert.Empty(await fixture.Store.KeysAsync($"uploads/{joinerId}/"));

            var again = await fixture.Jobs.Grains.GetGrain<IUploadGrain>(joinerId).CompleteAsync(new JobRequest
            {
                FileName = Path.GetFileName(input),
                InputBytes = new FileInfo(input).Length,
                Options = LifetimeClusterFixture.Wav,
            });
            Assert.Equal(ownerId, again.JobId);
            Assert.True(again.Exists);
            Assert.False((await fixture.Jobs.Job(joinerId).GetStatusAsync()).Exists);
        }
        finally
        {
            await fixture.Client.DeleteAsync(ownerId);
        }
    }
}
