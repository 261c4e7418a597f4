using System.Security.Cryptography;
using AudioGrains.Abstractions;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Streams an upload into the blob store (never whole in memory) while hashing it, enforcing the
/// size limit as it goes and checking free space first. A rejected upload leaves nothing behind.
/// </summary>
public sealed class InputIngestor(IBlobStore blobs, Microsoft.Extensions.Options.IOptions<ProcessingOptions> configured)
{
    public async Task<JobSpec> IngestAsync(string jobId, Stream source, string fileName, NormalizeOptions normalize,
        string correlationId, CancellationToken ct)
    {
        var (bytes, sha256) = await StoreAsync(JobBlobKeys.Input(jobId), source, fileName, ct).ConfigureAwait(false);
        return new JobSpec
        {
            InputKey = JobBlobKeys.Input(jobId),
            FileName = fileName,
            InputBytes = bytes,
            InputSha256 = sha256,
            Options = normalize,
            CorrelationId = correlationId,
        };
    }

    /// <summary>Stores a separate noise recording for a job; returns its blob key for <see cref="NormalizeOptions.NoiseFileKey"/>.</summary>
    public async Task<string> IngestNoiseAsync(string jobId, Stream source, string fileName, CancellationToken ct)
    {
        await StoreAsync(JobBlobKeys.NoiseInput(jobId), source, fileName, ct).ConfigureAwait(false);
        return JobBlobKeys.NoiseInput(jobId);
    }

    private async Task<(long Bytes, string Sha256)> StoreAsync(string key, Stream source, string fileName, CancellationToken ct)
    {
        var options = configured.Value;
        if (blobs.AvailableBytes() is { } free && free < options.MinFreeBytes)
            throw new AudioGrainsException(ErrorCodes.InsufficientDisk, $"not enough free disk space to accept \"{fileName}\"");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var write = blobs.Create(key);
        var buffer = new byte[1 << 16];
        long total = 0;
        while (true)
        {
            var got = await source.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (got == 0) break;
            total += got;
            if (total > options.MaxInputBytes)
                throw new AudioGrainsException(ErrorCodes.TooLarge, $"\"{fileName}\" is larger than the limit of {options.MaxInputBytes} bytes");
            hash.AppendData(buffer, 0, got);
            await write.Stream.WriteAsync(buffer.AsMemory(0, got), ct).ConfigureAwait(false);
        }
        if (total == 0) throw new AudioGrainsException(ErrorCodes.EmptyInput, $"\"{fileName}\" is empty");
        await write.CommitAsync(ct).ConfigureAwait(false);
        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
