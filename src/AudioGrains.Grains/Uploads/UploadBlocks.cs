using System.Globalization;
using System.Security.Cryptography;
using AudioGrains.Abstractions;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Uploads;

/// <summary>
/// The blocks of one upload in the blob store ("uploads/JOB/input/OFFSET.LENGTH"): each block is its own blob, so a
/// block sent twice is stored once and an upload resumes where its blocks stop. Joining them streams them in order
/// into one blob while hashing it; memory holds one block at a time. An instance remembers the blocks it listed and
/// wrote (a few bytes per block), so that each block written does not list the whole upload again: one upload grain
/// activation is the only writer of its blocks.
/// </summary>
public sealed class UploadBlocks(IBlobStore blobs, string jobId)
{
    private readonly Dictionary<UploadTarget, SortedSet<(long Offset, long Length, string Key)>> _known = [];

    /// <summary>The largest block a client may send.</summary>
    public const int MaxBlockBytes = 4 * 1024 * 1024;

    public static string Root(string jobId) => $"uploads/{jobId}";

    private string Prefix(UploadTarget target) => $"{Root(jobId)}/{target.ToString().ToLowerInvariant()}/";

    /// <summary>Stores a block unless it is there already; returns the bytes stored from the start without a gap.</summary>
    public async Task<long> WriteAsync(UploadTarget target, long offset, byte[] data, long maxBytes, CancellationToken ct)
    {
        if (offset < 0 || data.Length is 0 or > MaxBlockBytes)
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"an upload block must start at 0 or later and hold 1 to {MaxBlockBytes} bytes");
        if (offset + data.Length > maxBytes)
            throw new AudioGrainsException(ErrorCodes.TooLarge, $"the upload is larger than the limit of {maxBytes} bytes");
        var key = Prefix(target) + string.Create(CultureInfo.InvariantCulture, $"{offset:D16}.{data.Length:D8}");
        if (await blobs.LengthAsync(key, ct).ConfigureAwait(false) != data.Length)
        {
            using var write = blobs.Create(key);
            await write.Stream.WriteAsync(data, ct).ConfigureAwait(false);
            await write.CommitAsync(ct).ConfigureAwait(false);
        }
        (await BlocksAsync(target, ct).ConfigureAwait(false)).Add((offset, data.Length, key));
        return await ReceivedAsync(target, ct).ConfigureAwait(false);
    }

    /// <summary>Bytes stored from the start without a gap.</summary>
    public async Task<long> ReceivedAsync(UploadTarget target, CancellationToken ct)
    {
        long end = 0;
        foreach (var (offset, length, _) in await BlocksAsync(target, ct).ConfigureAwait(false))
        {
            if (offset > end) break;
            end = Math.Max(end, offset + length);
        }
        return end;
    }

    /// <summary>
    /// Joins the first <paramref name="expected"/> bytes into <paramref name="key"/>; returns its length and SHA-256.
    /// Throws empty-input for nothing, invalid-options when blocks are missing.
    /// </summary>
    public async Task<(long Bytes, string Sha256)> JoinAsync(UploadTarget target, string key, long expected, CancellationToken ct)
    {
        if (expected <= 0) throw new AudioGrainsException(ErrorCodes.EmptyInput, "the upload is empty");
        _known.Remove(target); // what the store holds, not what this instance remembers
        var received = await ReceivedAsync(target, ct).ConfigureAwait(false);
        if (received < expected)
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"the upload is incomplete: {received} of {expected} bytes arrived");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var write = blobs.Create(key);
        var buffer = new byte[1 << 16];
        long position = 0;
        foreach (var (offset, length, block) in await BlocksAsync(target, ct).ConfigureAwait(false))
        {
            if (position >= expected) break;
            if (offset + length <= position) continue; // wholly inside what is written (blocks of another size, sent before a resume)
            await using var read = await blobs.OpenReadAsync(block, position - offset, Math.Min(length, expected - offset) - (position - offset), ct).ConfigureAwait(false);
            int got;
            while ((got = await read.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, got);
                await write.Stream.WriteAsync(buffer.AsMemory(0, got), ct).ConfigureAwait(false);
                position += got;
            }
        }
        if (position != expected) throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"the upload holds {position} bytes, not {expected}");
        await write.CommitAsync(ct).ConfigureAwait(false);
        return (position, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public Task DeleteAsync(CancellationToken ct = default)
    {
        _known.Clear();
        return blobs.DeletePrefixAsync(Root(jobId), ct);
    }

    /// <summary>The blocks of a target in offset order: listed from the store the first time, then as remembered.</summary>
    private async Task<SortedSet<(long Offset, long Length, string Key)>> BlocksAsync(UploadTarget target, CancellationToken ct)
    {
        if (_known.TryGetValue(target, out var known)) return known;
        var blocks = new SortedSet<(long Offset, long Length, string Key)>();
        await foreach (var key in blobs.ListAsync(Prefix(target), ct).ConfigureAwait(false))
        {
            var name = key[(key.LastIndexOf('/') + 1)..].Split('.');
            if (name.Length == 2 && long.TryParse(name[0], CultureInfo.InvariantCulture, out var offset) && long.TryParse(name[1], CultureInfo.InvariantCulture, out var length))
                blocks.Add((offset, length, key));
        }
        _known[target] = blocks;
        return blocks;
    }
}
