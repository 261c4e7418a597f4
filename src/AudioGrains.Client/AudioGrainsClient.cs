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
        options.Validated();
        var jobId = idempotencyKey is null ? Guid.NewGuid().ToString("N") : JobIdFor(idempotencyKey);
        var upload = cluster.GetGrain<IUploadGrain>(jobId);
        var existing = await CallAsync(() => Job(jobId).GetStatusAsync(), ct);
        if (existing.Exists)
        {
            await RequireSameRequestAsync(existing, input, options, idempotencyKey ?? jobId, ct);
            return jobId;
        }
        var inputBytes = await UploadAsync(upload, UploadTarget.Input, input, ct);
        long? noiseBytes = noise is null ? null : await UploadAsync(upload, UploadTarget.Noise, noise, ct);
        var started = await CallAsync(() => upload.CompleteAsync(new JobRequest
        {
            FileName = Path.GetFileName(fileName),
            InputBytes = inputBytes,
            Options = options,
            NoiseBytes = noiseBytes,
            CorrelationId = jobId,
        }, ct), ct);
        // The same content and options as a job that lives: that job's id.
        return started.JobId;
    }

    /// <inheritdoc />
    public Task<JobStatus> GetStatusAsync(string jobId, CancellationToken ct = default) => CallAsync(() => Job(jobId).GetStatusAsync(), ct);

    /// <inheritdoc />
    public async IAsyncEnumerable<JobStatus> WatchAsync(string jobId, TimeSpan? pollInterval = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        JobStatus? last = null;
        while (true)
        {
            var status = await GetStatusAsync(jobId, ct);
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
            var block = await CallAsync(() => Job(jobId).ReadOutputAsync(offset, _options.BlockBytes, ct), ct);
            if (block.Length == 0) return;
            await destination.WriteAsync(block, ct);
            offset += block.Length;
        }
    }

    /// <inheritdoc />
    public Task<JobStatus> CancelAsync(string jobId, CancellationToken ct = default) => CallAsync(() => Job(jobId).CancelAsync(), ct);

    /// <inheritdoc />
    public Task<JobStatus> RetryAsync(string jobId, CancellationToken ct = default) => CallAsync(() => Job(jobId).RetryAsync(), ct);

    /// <inheritdoc />
    public Task DeleteAsync(string jobId, CancellationToken ct = default) => CallAsync(async () =>
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
        if (existing.Options is { } earlier && earlier with { NoiseFileKey = null } != options with { NoiseFileKey = null })
            throw new AudioGrainsException(ErrorCodes.Conflict, $"the idempotency key \"{key}\" was used for a job with other options");
        if (existing.InputSha256 is not { } earlierHash) return;
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(input, ct));
        if (hash != earlierHash)
            throw new AudioGrainsException(ErrorCodes.Conflict, $"the idempotency key \"{key}\" was used for another file");
    }

    /// <summary>Sends a stream in blocks from where the upload stopped; returns its length.</summary>
    private async Task<long> UploadAsync(IUploadGrain upload, UploadTarget target, Stream source, CancellationToken ct)
    {
        var received = await CallAsync(() => upload.GetReceivedAsync(target, ct), ct);
        var buffer = new byte[_options.BlockBytes];
        long position = 0;
        while (true)
        {
            var got = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            if (got == 0) return position;
            // Blocks the cluster has whole are not sent again.
            if (position + got > received)
            {
                var block = got == buffer.Length ? buffer : buffer[..got];
                var offset = position;
                await CallAsync(() => upload.WriteBlockAsync(target, offset, block, ct), ct);
            }
            position += got;
        }
    }

    /// <summary>A grain call, tried again after a transient failure (not after an <see cref="AudioGrainsException"/>), a bounded number of times.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not (AudioGrainsException or OperationCanceledException or ArgumentException) && attempt < _options.MaxAttempts)
            {
                await Task.Delay(delay, ct);
                delay *= 2;
            }
        }
    }

    private IJobGrain Job(string jobId) => cluster.GetGrain<IJobGrain>(jobId);
}
