using System.Security.Cryptography;

namespace AudioGrains.Storage.Tests;

/// <summary>Seeded pseudo-random bytes, whole or streamed in blocks, and their SHA-256.</summary>
internal static class RandomData
{
    public static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="size"/> seeded bytes to a stream, 64 KiB at a time; returns their SHA-256.</summary>
    public static async Task<byte[]> WriteAsync(Stream target, long size, int seed)
    {
        var random = new Random(seed);
        var block = new byte[1 << 16];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long left = size; left > 0;)
        {
            var n = (int)Math.Min(block.Length, left);
            random.NextBytes(block.AsSpan(0, n));
            hash.AppendData(block, 0, n);
            await target.WriteAsync(block.AsMemory(0, n));
            left -= n;
        }
        return hash.GetHashAndReset();
    }

    public static async Task<byte[]> WriteFileAsync(string path, long size, int seed)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        return await WriteAsync(file, size, seed);
    }

    /// <summary>The SHA-256 and length of a stream read to its end, 64 KiB at a time.</summary>
    public static async Task<(byte[] Hash, long Length)> HashAsync(Stream source)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[1 << 16];
        long length = 0;
        int n;
        while ((n = await source.ReadAsync(block)) > 0)
        {
            hash.AppendData(block, 0, n);
            length += n;
        }
        return (hash.GetHashAndReset(), length);
    }

    public static async Task<(byte[] Hash, long Length)> HashFileAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        return await HashAsync(file);
    }

    public static async Task<byte[]> ReadAllAsync(Stream source)
    {
        using var memory = new MemoryStream();
        await source.CopyToAsync(memory);
        return memory.ToArray();
    }
}
