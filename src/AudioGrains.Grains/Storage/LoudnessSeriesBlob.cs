using AudioGrains.Abstractions;
using AudioGrains.Storage;

namespace AudioGrains.Grains.Storage;

/// <summary>A blob that holds one <see cref="LoudnessSeries"/>: about 64 KB at most (two series of ≤ 4000 doubles).</summary>
public static class LoudnessSeriesBlob
{
    private const int Magic = 0x41474C31; // "AGL1"
    private const int MaxPoints = 1_000_000;

    public static async Task WriteAsync(IBlobStore blobs, string key, LoudnessSeries series, CancellationToken ct = default)
    {
        using var write = blobs.Create(key);
        using (var writer = new BinaryWriter(write.Stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(series.SecondsPerPoint);
            writer.Write(series.DurationSeconds);
            writer.Write(series.GainDb);
            WriteArray(writer, series.InputLufs);
            WriteArray(writer, series.OutputLufs);
        }
        await write.CommitAsync(ct).ConfigureAwait(false);
    }

    public static async Task<LoudnessSeries> ReadAsync(IBlobStore blobs, string key, CancellationToken ct = default)
    {
        await using var stream = await blobs.OpenReadAsync(key, ct: ct).ConfigureAwait(false);
        using var buffered = new BufferedStream(stream, 1 << 16);
        using var reader = new BinaryReader(buffered);
        if (reader.ReadInt32() != Magic) throw new InvalidDataException($"\"{key}\" is not a loudness series blob");
        return new LoudnessSeries
        {
            SecondsPerPoint = reader.ReadDouble(),
            DurationSeconds = reader.ReadDouble(),
            GainDb = reader.ReadDouble(),
            InputLufs = ReadArray(reader, key),
            OutputLufs = ReadArray(reader, key),
        };
    }

    private static void WriteArray(BinaryWriter writer, double[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values) writer.Write(v);
    }

    private static double[] ReadArray(BinaryReader reader, string key)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > MaxPoints) throw new InvalidDataException($"\"{key}\" is corrupt");
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = reader.ReadDouble();
        return values;
    }
}
