using AudioGrains.Storage;

namespace AudioGrains.Grains.Storage;

/// <summary>A blob that holds one array of doubles (analysis results: per-bin maxima, noise profiles).</summary>
public static class DoubleArrayBlob
{
    private const int Magic = 0x41474431; // "AGD1"

    public static async Task WriteAsync(IBlobStore blobs, string key, double[] values, CancellationToken ct = default)
    {
        using var write = blobs.Create(key);
        using (var writer = new BinaryWriter(write.Stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(values.Length);
            foreach (var v in values) writer.Write(v);
        }
        await write.CommitAsync(ct).ConfigureAwait(false);
    }

    public static async Task<double[]> ReadAsync(IBlobStore blobs, string key, CancellationToken ct = default)
    {
        await using var stream = await blobs.OpenReadAsync(key, ct: ct).ConfigureAwait(false);
        using var buffered = new BufferedStream(stream, 1 << 16);
        using var reader = new BinaryReader(buffered);
        if (reader.ReadInt32() != Magic) throw new InvalidDataException($"\"{key}\" is not an array blob");
        var count = reader.ReadInt32();
        if (count < 0 || count > 10_000_000) throw new InvalidDataException($"\"{key}\" is corrupt");
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = reader.ReadDouble();
        return values;
    }
}
