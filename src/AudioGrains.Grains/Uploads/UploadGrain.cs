using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Uploads;

/// <summary>
/// One upload ("job id"): the blocks a client sends, stored as they come (<see cref="UploadBlocks"/>), joined into the
/// job's input on completion, which starts the job. No grain state: the blocks in the store are the state.
/// </summary>
public sealed class UploadGrain(IBlobStore blobs, IOptions<ProcessingOptions> options, ILogger<UploadGrain> logger) : Grain, IUploadGrain
{
    private string JobId => this.GetPrimaryKeyString();

    private UploadBlocks? _blocks;

    private UploadBlocks Blocks => _blocks ??= new(blobs, JobId);

    /// <summary>
    /// The earlier job this upload joined (same content and options). Its blocks are gone then, so a completion tried
    /// again (the client's first try timed out while a large input was being joined) must answer from here.
    /// </summary>
    private string? _joinedJobId;

    public async Task<long> WriteBlockAsync(UploadTarget target, long offset, byte[] data, CancellationToken ct)
    {
        if (offset == 0 && blobs.AvailableBytes() is { } free && free < options.Value.MinFreeBytes)
            throw new AudioGrainsException(ErrorCodes.InsufficientDisk, "not enough free space in the cluster's storage to accept the upload");
        var limit = target == UploadTarget.Noise ? NoiseLimitBytes : options.Value.MaxInputBytes;
        return await Blocks.WriteAsync(target, offset, data, limit, ct);
    }

    public Task<long> GetReceivedAsync(UploadTarget target, CancellationToken ct) => Blocks.ReceivedAsync(target, ct);

    public async Task<JobStatus> CompleteAsync(JobRequest request, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["JobId"] = JobId,
            ["CorrelationId"] = request.CorrelationId.Length > 0 ? request.CorrelationId : JobId,
        });
        if (_joinedJobId is { } joined) return await GrainFactory.GetGrain<IJobGrain>(joined).GetStatusAsync();
        var job = GrainFactory.GetGrain<IJobGrain>(JobId);
        var existing = await job.GetStatusAsync();
        if (existing.Exists) return existing;
        if (request.InputBytes > options.Value.MaxInputBytes)
            throw new AudioGrainsException(ErrorCodes.TooLarge, $"\"{request.FileName}\" is larger than the limit of {options.Value.MaxInputBytes} bytes");

        var (bytes, sha256) = await Blocks.JoinAsync(UploadTarget.Input, JobBlobKeys.Input(JobId), request.InputBytes, ct);
        if (request.InputSha256 is { } sent && sent != sha256)
        {
            // The blocks stored before a resume came from another file: neither file is what was stored. Nothing of
            // it is kept, so the key can send its file afresh.
            await blobs.DeletePrefixAsync(JobBlobKeys.Root(JobId), ct);
            await Blocks.DeleteAsync(ct);
            throw new AudioGrainsException(ErrorCodes.Conflict,
                $"upload {JobId} holds blocks of another file than \"{request.FileName}\" (an upload resumed with the same key and another file)");
        }
        if (request.NoiseBytes is null)
        {
            // The same content with the same options (and callback URL) while the earlier job lives: that job, done once.
            var owner = await GrainFactory.GetGrain<IJobIndexGrain>(JobIndexGrain.KeyFor(sha256, request.Options, request.CallbackUrl)).ClaimAsync(JobId);
            if (owner != JobId)
            {
                await blobs.DeletePrefixAsync(JobBlobKeys.Root(JobId), ct);
                await Blocks.DeleteAsync(ct);
                _joinedJobId = owner;
                logger.LogInformation("Upload {JobId} of {FileName} joins job {OwnerJobId}: same content and options", JobId, request.FileName, owner);
                return await GrainFactory.GetGrain<IJobGrain>(owner).GetStatusAsync();
            }
        }
        var jobOptions = request.Options;
        if (request.NoiseBytes is { } noiseBytes)
        {
            await Blocks.JoinAsync(UploadTarget.Noise, JobBlobKeys.NoiseInput(JobId), noiseBytes, ct);
            jobOptions = jobOptions with { NoiseFileKey = JobBlobKeys.NoiseInput(JobId) };
        }
        var status = await job.StartAsync(new JobSpec
        {
            InputKey = JobBlobKeys.Input(JobId),
            FileName = request.FileName,
            InputBytes = bytes,
            InputSha256 = sha256,
            Options = jobOptions,
            CorrelationId = request.CorrelationId.Length > 0 ? request.CorrelationId : JobId,
            CallbackUrl = request.CallbackUrl,
        });
        await Blocks.DeleteAsync(ct);
        logger.LogInformation("Upload {JobId} of {FileName} complete: {InputBytes} bytes, SHA-256 {Sha256}", JobId, request.FileName, bytes, sha256);
        DeactivateOnIdle();
        return status;
    }

    public async Task AbandonAsync(CancellationToken ct)
    {
        await Blocks.DeleteAsync(ct);
        logger.LogInformation("Upload {JobId} abandoned: its blocks are deleted", JobId);
        DeactivateOnIdle();
    }

    /// <summary>A noise recording is at most a minute long: a generous bound on its bytes.</summary>
    private const long NoiseLimitBytes = 256L * 1024 * 1024;
}
