namespace AudioGrains.Grains.Storage;

/// <summary>A blob that holds one array of doubles (analysis results: per-bin maxima, noise profiles).</summary>
public static class DoubleArrayBlob
{
    private const int Magic = 0x41474431; // "AGD1"

    public static void Write(IBlobStore blobs, string key, double[] values)
    {
        using var write = blobs.Create(key);
        using (var writer = new BinaryWriter(write.Stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(values.Length);
            foreach (var v in values) writer.Write(v);
        }
        write.Commit();
    }

    public static double[] Read(IBlobStore blobs, string key)
    {
        using var stream = blobs.OpenRead(key);
        using var reader = new BinaryReader(stream);
        if (reader.ReadInt32() != Magic) throw new InvalidDataException($"\"{key}\" is not an array blob");
        var count = reader.ReadInt32();
        if (count < 0 || count > 10_000_000) throw new InvalidDataException($"\"{key}\" is corrupt");
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = reader.ReadDouble();
        return values;
    }
}
