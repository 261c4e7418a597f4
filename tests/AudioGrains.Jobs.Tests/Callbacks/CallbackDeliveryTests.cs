using System.Text.Json;
using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Gateway;
using AudioGrains.Gateway.Callbacks;
using AudioGrains.Jobs.Tests.Harness;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests.Callbacks;

/// <summary>
/// A job with a callback_url, run to its end by real silos: its JSON reaches a real receiver on 127.0.0.1, signed,
/// once; failures of the receiver are tried again with backoff, as the options bound them.
/// </summary>
[Collection(CallbackClusterCollection.Name)]
public sealed class CallbackDeliveryTests(CallbackClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Longer than every retry delay these options allow: what has not come by then is not coming.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    private static NormalizeOptions Wav => new() { OutputFormat = "wav", ChunkSeconds = 1 };

    private IJobCallbackGrain Callback(string jobId) => fixture.Jobs.Grains.GetGrain<IJobCallbackGrain>(jobId);

    [Fact]
    public async Task A_completed_job_s_json_is_delivered_once_with_a_valid_signature()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("hook-done");
        await using var receiver = CallbackReceiver.Start(FreePorts.Next());
        await jobs.StartJobAsync(jobId, fixture.Speech, Wav, receiver.Url);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.True(status.Phase == JobPhase.Completed, $"phase {status.Phase}: {status.ErrorMessage}");
        var delivery = await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.Delivered);

        // A repeated request (a duplicate message, a re-trigger) does not send it again.
        await Callback(jobId).RequestAsync();
        await Task.Delay(Quiet);
        var got = Assert.Single(receiver.Received);
        Assert.Equal("POST", got.Method);
        Assert.Equal("application/json; charset=utf-8", got.ContentType);
        Assert.True(CallbackSignature.Verify(CallbackClusterFixture.SigningKey, got.Body, got.Header(CallbackHeaders.Signature)), "the signature does not verify");
        Assert.Equal(jobId, got.Header(CallbackHeaders.Job));
        Assert.Equal("1", got.Header(CallbackHeaders.Attempt));
        Assert.Equal(delivery.DeliveryId, got.Header(CallbackHeaders.Delivery));
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal("HTTP 200", delivery.LastResult);
        // The body is the job's JSON, the document GET /jobs/{id} shows.
        Assert.Equal(JobDocument.From(status).ToUtf8Json(), got.Body);
        using var json = JsonDocument.Parse(got.Body);
        Assert.Equal(jobId, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("completed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(100, json.RootElement.GetProperty("progress").GetInt32());
    }

    [Fact]
    public async Task A_failed_job_delivers_its_status_and_error_code()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("hook-fail");
        var notAudio = jobs.Files.File($"{jobId}.wav");
        await File.WriteAllTextAsync(notAudio, "this is a text file, not audio\n");
        await using var receiver = CallbackReceiver.Start(FreePorts.Next());
        await jobs.StartJobAsync(jobId, notAudio, Wav, receiver.Url);
        var status = await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        Assert.Equal(JobPhase.Failed, status.Phase);
        Assert.NotNull(status.ErrorCode);
        await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.Delivered);

        var got = Assert.Single(receiver.Received);
        Assert.True(CallbackSignature.Verify(CallbackClusterFixture.SigningKey, got.Body, got.Header(CallbackHeaders.Signature)));
        using var json = JsonDocument.Parse(got.Body);
        Assert.Equal(jobId, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(status.ErrorCode, json.RootElement.GetProperty("error_code").GetString());
        Assert.Equal(status.ErrorMessage, json.RootElement.GetProperty("error_message").GetString());
        output.WriteLine($"delivered: {json.RootElement.GetProperty("error_code")}: {json.RootElement.GetProperty("error_message")}");
    }

    [Fact]
    public async Task A_receiver_answering_503_twice_gets_three_tries_honouring_Retry_After_and_then_nothing()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("hook-503");
        // The second 503 asks for 1 s: far above the backoff these options give a second retry (at most 200 ms).
        await using var receiver = CallbackReceiver.Start(FreePorts.Next(), n => n switch
        {
            1 => new ReceiverAnswer(503),
            2 => new ReceiverAnswer(503, RetryAfter: "1"),
            _ => new ReceiverAnswer(200),
        });
        await jobs.StartJobAsync(jobId, fixture.Speech, Wav, receiver.Url);
        await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        var delivery = await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.Delivered);
        await Task.Delay(Quiet);

        var got = receiver.Received;
        Assert.Equal(3, got.Count);
        Assert.Equal(["1", "2", "3"], got.Select(r => r.Header(CallbackHeaders.Attempt)));
        Assert.All(got, r => Assert.Equal(delivery.DeliveryId, r.Header(CallbackHeaders.Delivery)));
        Assert.All(got, r => Assert.Equal(got[0].Body, r.Body));
        Assert.All(got, r => Assert.True(CallbackSignature.Verify(CallbackClusterFixture.SigningKey, r.Body, r.Header(CallbackHeaders.Signature))));
        var waitedForRetryAfter = got[2].At - got[1].At;
        output.WriteLine($"tries at {string.Join(", ", got.Select(r => $"{r.At.TotalMilliseconds:F0} ms"))}");
        Assert.True(waitedForRetryAfter >= TimeSpan.FromMilliseconds(950), $"the third try came {waitedForRetryAfter.TotalMilliseconds:F0} ms after the second, not after its Retry-After of 1 s");
        Assert.Equal(3, delivery.Attempts);
    }

    [Fact]
    public async Task A_receiver_that_is_down_at_first_gets_the_callback_once_it_listens()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("hook-down");
        var port = FreePorts.Next();
        await jobs.StartJobAsync(jobId, fixture.Speech, Wav, CallbackReceiver.UrlOn(port));
        await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        var failing = await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.Pending, d => d.Attempts >= 2);
        Assert.StartsWith("no answer", failing.LastResult);

        await using var receiver = CallbackReceiver.Start(port);
        var delivery = await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.Delivered);
        await Task.Delay(Quiet);
        var got = Assert.Single(receiver.Received);
        Assert.True(delivery.Attempts >= 3, $"delivered on try {delivery.Attempts}");
        Assert.Equal($"{delivery.Attempts}", got.Header(CallbackHeaders.Attempt));
        Assert.True(CallbackSignature.Verify(CallbackClusterFixture.SigningKey, got.Body, got.Header(CallbackHeaders.Signature)));
    }

    [Fact]
    public async Task A_receiver_answering_410_gets_one_try_and_the_delivery_is_given_up()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("hook-410");
        await using var receiver = CallbackReceiver.Start(FreePorts.Next(), _ => new ReceiverAnswer(410));
        await jobs.StartJobAsync(jobId, fixture.Speech, Wav, receiver.Url);
        await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        var delivery = await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.GaveUp);
        await Task.Delay(Quiet);
        Assert.Single(receiver.Received);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal("HTTP 410", delivery.LastResult);
    }

    [Fact]
    public async Task A_cancelled_job_sends_no_callback()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("hook-cancel");
        await using var receiver = CallbackReceiver.Start(FreePorts.Next());
        jobs.Probe.WorkRules[jobId] = async (_, _, ct) => await Task.Delay(TimeSpan.FromSeconds(10), ct);
        await jobs.StartJobAsync(jobId, fixture.Speech, Wav, receiver.Url);
        await JobCluster.WaitUntilAsync(() => jobs.RunningWork(jobId) > 0, JobTimeout, "some chunk running");
        var cancelled = await jobs.Job(jobId).CancelAsync();
        jobs.Probe.WorkRules.TryRemove(jobId, out _);
        Assert.Equal(JobPhase.Cancelled, cancelled.Phase);

        await Task.Delay(Quiet);
        Assert.Empty(receiver.Received);
        Assert.Equal(CallbackDeliveryStatus.None, (await Callback(jobId).GetDeliveryAsync()).Status);
    }

    [Fact]
    public async Task A_job_deleted_through_the_client_library_stops_its_pending_callback_and_forgets_its_saved_message()
    {
        var jobs = fixture.Jobs;
        var jobId = JobClusterFixture.NewJobId("hook-delete");
        // Nobody listens: the delivery stays pending, tried again and again.
        var port = FreePorts.Next();
        await jobs.StartJobAsync(jobId, fixture.Speech, Wav, CallbackReceiver.UrlOn(port));
        await jobs.WaitForTerminalAsync(jobId, JobTimeout);
        var pending = await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.Pending, d => d.Attempts >= 1);
        Assert.NotNull(pending.DeliveryId);

        // The HTTP API's DELETE forgets the callback itself; a service that deletes through the library relies on the job.
        await new AudioGrainsClient(jobs.Cluster.Client).DeleteAsync(jobId);
        var forgotten = await WaitForDeliveryAsync(jobId, CallbackDeliveryStatus.None);
        output.WriteLine($"pending after {pending.Attempts} tries, then {forgotten}");

        // The receiver comes up: no try reaches it.
        await using var receiver = CallbackReceiver.Start(port);
        await Task.Delay(Quiet);
        Assert.Empty(receiver.Received);
        Assert.Equal(CallbackDeliveryStatus.None, (await Callback(jobId).GetDeliveryAsync()).Status);
    }

    private async Task<CallbackDelivery> WaitForDeliveryAsync(string jobId, CallbackDeliveryStatus status, Func<CallbackDelivery, bool>? also = null)
    {
        CallbackDelivery? last = null;
        var until = DateTime.UtcNow + DeliveryTimeout;
        while (DateTime.UtcNow < until)
        {
            last = await Callback(jobId).GetDeliveryAsync();
            if (last.Status == status && (also is null || also(last))) return last;
            await Task.Delay(25);
        }
        Assert.Fail($"job {jobId}: callback not {status} within {DeliveryTimeout.TotalSeconds:F0} s; last: {last}");
        throw new InvalidOperationException("unreachable");
    }
}
