namespace AudioGrains.Grains.Chunks;

/// <summary>
/// What the coordinator needs of one processed chunk to compute whole-file loudness exactly:
/// K-weighted energy per 100 ms segment (8 bytes each) and the peaks. Kept in the blob store.
/// </summary>
public sealed record ChunkStatistics(long Frames, double[] SegmentEnergies, double SamplePeak, double TruePeak)
{
    private const int Magic = 0x41475331; // "AGS1"

    public void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Frames);
        writer.Write(SamplePeak);
        writer.Write(TruePeak);
        writer.Write(SegmentEnergies.Length);
        foreach (var e in SegmentEnergies) writer.Write(e);
    }

    public static ChunkStatistics ReadFrom(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != Magic) throw new InvalidDataException("not a chunk statistics blob");
        var frames = reader.ReadInt64();
        var samplePeak = reader.ReadDouble();
        var truePeak = reader.ReadDouble();
        var count = reader.ReadInt32();
        if (count < 0 || count > 100_000_000) throw new InvalidDataException("corrupt chunk statistics blob");
        var energies = new double[count];
        for (var i = 0; i < count; i++) energies[i] = reader.ReadDouble();
        return new ChunkStatistics(frames, energies, samplePeak, truePeak);
    }
}
