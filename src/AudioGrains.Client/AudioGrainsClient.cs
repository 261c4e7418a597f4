using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using AudioGrains.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;

namespace AudioGrains.Client;

/// <summary>The Orleans implementation of <see cref="IAudioGrainsClient"/>, over a connected cluster client.</summary>
public sealed class AudioGrainsClient(IClusterClient cluster, IOptions<AudioGrainsClientOptions>? configured = null) : IAudioGrainsClient
{
    private readonly AudioGrainsClientOptions _options = configured?.Value ?? new AudioGrainsClientOptions();

    /// <inheritdoc />
    public async Task<string> SubmitAsync(Stream input, string fileName, NormalizeOptions options, Stream? noise = null, string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentNullException.ThrowIfNull(options);
        // With the noise recording as the job will have it: a recording the options cannot use (no stationary noise
        // reduction, or a noise clip as well) is refused before anything is sent, not as a failed job after the upload.
        (noise is null ? options : options with { NoiseFileKey = JobRequestNoise }).Validated();
        var jobId = idempotencyKey is null ? Guid.NewGuid().ToString("N") : JobIdFor(idempotencyKey);
        var existing = await CallAsync(() => Job(jobId).GetStatusAsync(), ct);
        if (existing.Exists)
        {
            await RequireSameRequestAsync(existing, input, options, idempotencyKey ?? jobId, ct);
            return jobId;
        }
        try
        {
            // Every block is read, sent or not: its hash tells the cluster whether the blocks it kept are this file's.
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var inputBytes = await UploadHashedAsync(jobId, UploadTarget.Input, input, hash, ct);
            long? noiseBytes = noise is null ? null : await UploadHashedAsync(jobId, UploadTarget.Noise, noise, null, ct);
            var started = await CompleteUploadAsync(jobId, new JobRequest
            {
                FileName = Path.GetFileName(fileName),
                InputBytes = inputBytes,
                InputSha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
                Options = options,
                NoiseBytes = noiseBytes,
                CorrelationId = jobId,
            }, ct);
            // The same content and options as a job that lives: that job's id.
            return started.JobId;
        }
        catch when (idempotencyKey is null)
        {
            // Without a key nothing can resume this upload: its blocks would stay in the cluster's store for ever.
            await AbandonQuietlyAsync(jobId);
            throw;
        }
    }

    /// <summary>Stands for the noise recording's key (the cluster names it) when options are checked before the upload.</summary>
    private const string JobRequestNoise = "noise";

    /// <summary>Deletes what an upload that failed had sent, without hiding its failure behind a second one.</summary>
    private async Task AbandonQuietlyAsync(string jobId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(AbandonTimeout);
            await cluster.GetGrain<IUploadGrain>(jobId).AbandonAsync(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception)
        {
            // The cluster is unreachable (the likely reason the upload failed): its blocks stay, as before this try.
        }
    }

    /// <summary>How long a failed submission waits for its blocks to be deleted before it reports its failure.</summary>
    private static readonly TimeSpan AbandonTimeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public Task<JobStatus> GetStatusAsync(string jobId, CancellationToken ct = default) =>
        CannotExist(jobId) ? Task.FromResult(Unknown(jobId)) : CallAsync(() => Job(jobId).GetStatusAsync(), ct);

    /// <inheritdoc />
    public async IAsyncEnumerable<JobStatus> WatchAsync(string jobId, TimeSpan? pollInterval = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        JobStatus? last = null;
        var failed = 0;
        while (true)
        {
            JobStatus status;
            try
            {
                status = await Job(jobId).GetStatusAsync().WaitAsync(ct).ConfigureAwait(false);
                failed = 0;
            }
            catch (Exception e) when (e is not (OperationCanceledException or AudioGrainsException or ArgumentException) && ++failed < MaxFailedPolls)
            {
                // As in WaitAsync: a silo lost or restarting is a gap in the job's updates, not its end; the job survives it.
                await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
                continue;
            }
            if (!status.Exists) throw new AudioGrainsException(ErrorCodes.NotFound, $"job {jobId} does not exist");
            if (last is null || status.Phase != last.Phase || status.Progress != last.Progress
                || status.ChunksCompleted != last.ChunksCompleted || status.SegmentsCompleted != last.SegmentsCompleted)
            {
                yield return status;
            }
            if (status.IsTerminal) yield break;
            last = status;
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(250), ct);
        }
    }

    /// <inheritdoc />
    public async Task DownloadAsync(string jobId, Stream destination, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long offset = 0;
        while (true)
        {
            var block = await ReadOutputAsync(jobId, offset, _options.BlockBytes, ct);
            if (block.Length == 0) return;
            await destination.WriteAsync(block, ct);
            offset += block.Length;
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> bytes of a completed job's output from <paramref name="offset"/> (empty at its end):
    /// a ranged read. Fails with not-found for an unknown job, not-ready while the job has no output, expired after it.
    /// </summary>
    public async Task<byte[]> ReadOutputAsync(string jobId, long offset, int count, CancellationToken ct = default)
    {
        try
        {
            return await CallAsync(() => Job(jobId).ReadOutputAsync(offset, count, ct), ct);
        }
        catch (AudioGrainsException e) when (e.Code == ErrorCodes.NotFound && !CannotExist(jobId))
        {
            // The job answers not-found for any job without output; a caller must tell "no such job" from "not yet"
            // and "no more" (the codes the HTTP API gives: 404, 409, 410).
            throw await WhyNoOutputAsync(jobId, e, ct);
        }
    }

    /// <summary>The error for a read that found no output: not-ready while the job runs or after it failed, expired once its result is deleted.</summary>
    private async Task<AudioGrainsException> WhyNoOutputAsync(string jobId, AudioGrainsException notFound, CancellationToken ct)
    {
        var status = await GetStatusAsync(jobId, ct);
        if (!status.Exists) return notFound;
        if (status.Phase == JobPhase.Expired)
            return new AudioGrainsException(ErrorCodes.Expired, $"job {jobId} expired at {status.ExpiresAt:u}: its result and input were deleted");
        return status.Phase == JobPhase.Completed ? notFound
            : new AudioGrainsException(ErrorCodes.NotReady, $"job {jobId} has no output: it is {status.Phase.ToString().ToLowerInvariant()}");
    }

    /// <summary>A completed job's short-term loudness over time, before and after (not-found while it has none).</summary>
    public Task<LoudnessSeries> GetLoudnessSeriesAsync(string jobId, CancellationToken ct = default) =>
        CallAsync(() => Job(jobId).GetLoudnessSeriesAsync(ct), ct);

    /// <inheritdoc />
    public Task<JobStatus> CancelAsync(string jobId, CancellationToken ct = default) =>
        CannotExist(jobId) ? Task.FromResult(Unknown(jobId)) : CallAsync(() => Job(jobId).CancelAsync(), ct);

    /// <inheritdoc />
    public Task<JobStatus> RetryAsync(string jobId, CancellationToken ct = default) =>
        CannotExist(jobId) ? Task.FromResult(Unknown(jobId)) : CallAsync(() => Job(jobId).RetryAsync(), ct);

    /// <inheritdoc />
    public Task DeleteAsync(string jobId, CancellationToken ct = default) => CannotExist(jobId) ? Task.CompletedTask : CallAsync(async () =>
    {
        await Job(jobId).DeleteAsync();
        return true;
    }, ct);

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobStatus>> ListAsync(int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var ids = await CallAsync(() => JobRegistry.Of(cluster).ListAsync(limit), ct);
        var statuses = new List<JobStatus>(ids.Count);
        // A few calls at a time: a listing of a thousand jobs must not flood the cluster.
        foreach (var batch in ids.Chunk(ListCallsInFlight))
            statuses.AddRange(await Task.WhenAll(batch.Select(id => GetStatusAsync(id, ct))));
        return [.. statuses.Where(s => s.Exists)];
    }

    /// <summary>Status calls in flight at once while listing.</summary>
    private const int ListCallsInFlight = 16;

    /// <summary>Starts a job from an input already in the cluster's store (the embedded CLI's path).</summary>
    public Task<JobStatus> StartAsync(string jobId, JobSpec spec) => Job(jobId).StartAsync(spec);

    /// <summary>
    /// Polls until the job ends. A poll that fails (the silo hosting the job died and the cluster has not noticed yet,
    /// or the job's state could not be read while it moved: the cluster may answer with an error type this process
    /// cannot even load) is tried again, up to <see cref="MaxFailedPolls"/> in a row: the job itself survives them.
    /// </summary>
    public async Task<JobStatus> WaitAsync(string jobId, IProgress<JobStatus>? progress = null, TimeSpan? pollInterval = null,
        CancellationToken ct = default)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(250);
        var failed = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            JobStatus? status = null;
            try
            {
                status = await Job(jobId).GetStatusAsync().WaitAsync(ct).ConfigureAwait(false);
                failed = 0;
            }
            catch (Exception e) when (e is not (OperationCanceledException or AudioGrainsException) && ++failed < MaxFailedPolls)
            {
            }
            if (status is not null)
            {
                progress?.Report(status);
                if (!status.Exists) throw new AudioGrainsException(ErrorCodes.NotFound, $"job {jobId} does not exist");
                if (status.IsTerminal) return status;
            }
            await Task.Delay(interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Polls that may fail in a row before <see cref="WaitAsync"/> gives up and throws the last error.</summary>
    public const int MaxFailedPolls = 240;

    /// <summary>The same key always names the same job (a hash: the key itself may hold anything).</summary>
    public static string JobIdFor(string idempotencyKey) =>
        "k" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..31];

    /// <summary>A key already used: the same request again is fine (the same job); another file or other options are a conflict.</summary>
    private static async Task RequireSameRequestAsync(JobStatus existing, Stream input, NormalizeOptions options, string key, CancellationToken ct)
    {
        RequireSameRequest(existing, options, null, key);
        if (existing.InputSha256 is null) return;
        RequireSameRequest(existing, options, Convert.ToHexStringLower(await SHA256.HashDataAsync(input, ct)), key);
    }

    /// <summary>
    /// Throws a conflict when the job an idempotency key named was made with other options or, when
    /// <paramref name="inputSha256"/> is given, for another file.
    /// </summary>
    public static void RequireSameRequest(JobStatus existing, NormalizeOptions options, string? inputSha256, string key)
    {
        ArgumentNullException.ThrowIfNull(existing);
        if (existing.Options is { } earlier && earlier with { NoiseFileKey = null } != options with { NoiseFileKey = null })
            throw new AudioGrainsException(ErrorCodes.Conflict, $"the idempotency key \"{key}\" was used for a job with other options");
        if (inputSha256 is not null && existing.InputSha256 is { } earlierHash && inputSha256 != earlierHash)
            throw new AudioGrainsException(ErrorCodes.Conflict, $"the idempotency key \"{key}\" was used for another file");
    }

    /// <summary>
    /// The first step of a submission made in steps (the HTTP gateway's: a form's fields may follow its file): sends
    /// <paramref name="source"/> in blocks as the <paramref name="target"/> of upload <paramref name="jobId"/>, from
    /// where an earlier try stopped; returns its length. <see cref="CompleteUploadAsync"/> then starts the job, or
    /// <see cref="AbandonUploadAsync"/> deletes what was sent.
    /// </summary>
    public Task<long> UploadAsync(string jobId, UploadTarget target, Stream source, CancellationToken ct = default) =>
        UploadHashedAsync(jobId, target, source, null, ct);

    /// <summary>An upload that adds every byte it reads, sent or not, to <paramref name="hash"/>.</summary>
    private async Task<long> UploadHashedAsync(string jobId, UploadTarget target, Stream source, IncrementalHash? hash, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var upload = cluster.GetGrain<IUploadGrain>(jobId);
        var received = await CallAsync(() => upload.GetReceivedAsync(target, ct), ct);
        var buffer = new byte[_options.BlockBytes];
        long position = 0;
        while (true)
        {
            var got = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            if (got == 0) return position;
            hash?.AppendData(buffer, 0, got);
            // Blocks the cluster has whole are not sent again.
            if (position + got > received)
            {
                var block = got == buffer.Length ? buffer : buffer[..got];
                var offset = position;
                var tries = 0;
                await CallAsync(() => { tries++; return upload.WriteBlockAsync(target, offset, block, ct); }, ct);
                // The block is sent without a copy; a try that failed may still hold it in a message not yet sent,
                // so the next block goes into a new buffer.
                if (tries > 1) buffer = new byte[buffer.Length];
            }
            position += got;
        }
    }

    /// <summary>Starts the job of an upload sent with <see cref="UploadAsync"/>; the status of the job that owns the request (an earlier one with the same content and options, if it lives).</summary>
    public Task<JobStatus> CompleteUploadAsync(string jobId, JobRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Validated();
        return CallAsync(() => cluster.GetGrain<IUploadGrain>(jobId).CompleteAsync(request, ct), ct);
    }

    /// <summary>Deletes what an upload given up had sent.</summary>
    public Task AbandonUploadAsync(string jobId, CancellationToken ct = default) =>
        CallAsync(async () => { await cluster.GetGrain<IUploadGrain>(jobId).AbandonAsync(ct); return true; }, ct);

    private Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct) => TransientRetry.From(_options).RunAsync(call, ct);

    /// <summary>The job's grain; an id no job can have (empty, blanks) is not-found rather than Orleans' argument error.</summary>
    private IJobGrain Job(string jobId) => CannotExist(jobId)
        ? throw new AudioGrainsException(ErrorCodes.NotFound, $"job \"{jobId}\" does not exist")
        : cluster.GetGrain<IJobGrain>(jobId);

    /// <summary>An id no job can have: Orleans takes no empty or blank key, and the cluster never made one.</summary>
    private static bool CannotExist(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return string.IsNullOrWhiteSpace(jobId);
    }

    private static JobStatus Unknown(string jobId) => new() { JobId = jobId, Exists = false };
}
