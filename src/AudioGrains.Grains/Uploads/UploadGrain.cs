using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Uploads;

/// <summary>
/// One upload ("job id"): the blocks a client sends, stored as they come (<see cref="UploadBlocks"/>), joined into the
/// job's input on completion, which starts the job. No grain state: the blocks in the store are the state. An upload
/// that gets no block for <see cref="ProcessingOptions.AbandonedUploadTtl"/> and is neither completed nor abandoned is
/// deleted (<see cref="UploadExpiry"/>: a reminder survives the silo, a timer keeps short TTLs exact).
/// </summary>
public sealed class UploadGrain(IBlobStore blobs, IOptions<ProcessingOptions> options, ILogger<UploadGrain> logger) : Grain, IUploadGrain, IRemindable
{
    private const string ExpiryReminder = "upload-expiry";

    /// <summary>The reminder fires again this much later when a deletion failed (the store down).</summary>
    private static readonly TimeSpan ExpiryRetryPeriod = TimeSpan.FromMinutes(10);

    /// <summary>A deadline within this gets a grain timer too: reminders fire late by up to their service's refresh.</summary>
    private static readonly TimeSpan ExpiryTimerHorizon = TimeSpan.FromHours(1);

    /// <summary>Reminders take due times below about 49 days; a later deadline is aimed again when this one fires.</summary>
    private static readonly TimeSpan MaxReminderDue = TimeSpan.FromDays(30);

    private string JobId => this.GetPrimaryKeyString();

    private UploadBlocks? _blocks;

    private UploadBlocks Blocks => _blocks ??= new(blobs, JobId);

    private UploadExpiry? _expiry;

    private UploadExpiry Expiry => _expiry ??= new(options.Value.AbandonedUploadTtl);

    private IGrainTimer? _expiryTimer;

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
        var received = await Blocks.WriteAsync(target, offset, data, limit, ct);
        if (Expiry.BlockStored(DateTimeOffset.UtcNow)) await AimExpiryAsync();
        return received;
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

        try
        {
            return await JoinAndStartAsync(job, request, ct);
        }
        catch
        {
            // Refused (or failed) after the input was joined, before its job started: the joined input is nobody's.
            // The blocks stay, for a completion tried again (or a resume); the upload's TTL takes them if none comes.
            await DeleteUnstartedJobBlobsAsync(job);
            throw;
        }
    }

    private async Task<JobStatus> JoinAndStartAsync(IJobGrain job, JobRequest request, CancellationToken ct)
    {
        var (bytes, sha256) = await Blocks.JoinAsync(UploadTarget.Input, JobBlobKeys.Input(JobId), request.InputBytes, ct);
        if (request.InputSha256 is { } sent && sent != sha256)
        {
            // The blocks stored before a resume came from another file: neither file is what was stored. Nothing of
            // it is kept, so the key can send its file afresh.
            await blobs.DeletePrefixAsync(JobBlobKeys.Root(JobId), ct);
            await Blocks.DeleteAsync(ct);
            await StopExpiryAsync();
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
                await StopExpiryAsync();
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
        await StopExpiryAsync();
        logger.LogInformation("Upload {JobId} of {FileName} complete: {InputBytes} bytes, SHA-256 {Sha256}", JobId, request.FileName, bytes, sha256);
        DeactivateOnIdle();
        return status;
    }

    public async Task AbandonAsync(CancellationToken ct)
    {
        await Blocks.DeleteAsync(ct);
        await StopExpiryAsync();
        logger.LogInformation("Upload {JobId} abandoned: its blocks are deleted", JobId);
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The reminder was aimed at this activation's first block: it now aims at the last one, which the next
        // activation will not know. A silo that dies gets no say: its upload is given up a TTL after that first block.
        if (!Expiry.Armed || Expiry.DueAt is null) return;
        try
        {
            await AimExpiryAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Upload {JobId} could not move its expiry to its last block; it is given up a TTL after an earlier one", JobId);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ExpiryReminder) await ExpireIfDueAsync();
    }

    /// <summary>Gives the upload up if no block came for its TTL: its blocks go, and a job input joined for a job that never started.</summary>
    private async Task ExpireIfDueAsync()
    {
        if (!Expiry.IsDue(DateTimeOffset.UtcNow))
        {
            await AimExpiryAsync();
            return;
        }
        try
        {
            var job = GrainFactory.GetGrain<IJobGrain>(JobId);
            await Blocks.DeleteAsync();
            await DeleteUnstartedJobBlobsAsync(job);
            await StopExpiryAsync();
            logger.LogInformation("Upload {JobId} given up: no block for {Ttl} and neither completed nor abandoned; its blocks are deleted", JobId, Expiry.Ttl);
            DeactivateOnIdle();
        }
        catch (Exception e)
        {
            // The reminder fires again (its period): the upload is given up then.
            logger.LogWarning(e, "Upload {JobId} could not be given up; it is tried again later", JobId);
        }
    }

    /// <summary>Deletes the job's blobs (a joined input, a noise recording) when the job never started; a started job's are its own.</summary>
    private async Task DeleteUnstartedJobBlobsAsync(IJobGrain job)
    {
        try
        {
            if (!(await job.GetStatusAsync()).Exists) await blobs.DeletePrefixAsync(JobBlobKeys.Root(JobId));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Upload {JobId}: the input joined for a job that did not start could not be deleted", JobId);
        }
    }

    /// <summary>Aims the reminder (and, when it is near, a timer) at the upload's deadline as this activation knows it.</summary>
    private async Task AimExpiryAsync()
    {
        if (Expiry.DueAt is not { } at) return;
        var due = at - DateTimeOffset.UtcNow;
        await this.RegisterOrUpdateReminder(ExpiryReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxReminderDue ? MaxReminderDue : due, ExpiryRetryPeriod);
        _expiryTimer?.Dispose();
        _expiryTimer = due > ExpiryTimerHorizon ? null : this.RegisterGrainTimer(static (upload, _) => upload.ExpireIfDueAsync(), this,
            new GrainTimerCreationOptions(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan));
    }

    private async Task StopExpiryAsync()
    {
        Expiry.Stop();
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        var reminder = await this.GetReminder(ExpiryReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    /// <summary>A noise recording is at most a minute long: a generous bound on its bytes.</summary>
    private const long NoiseLimitBytes = 256L * 1024 * 1024;
}
