namespace AudioGrains.Grains.Chunks;

/// <summary>
/// Chunks on one global grid: every chunk starts on a multiple of <see cref="GridFrames"/>
/// (the 100 ms loudness segment), so per-chunk segment sums concatenate into exactly the
/// whole-file sums and the chunk size cannot change the result.
/// </summary>
public sealed record ChunkPlan(long TotalFrames, int ChunkFrames, int GridFrames)
{
    public int Count => TotalFrames == 0 ? 0 : (int)((TotalFrames + ChunkFrames - 1) / ChunkFrames);

    public long Start(int index) => (long)index * ChunkFrames;

    public int Length(int index) => (int)Math.Min(ChunkFrames, TotalFrames - Start(index));

    /// <summary>Frames of context before a chunk: enough to settle the IIR filters (0.5 s) and the true-peak FIR.</summary>
    public static int PreRollFramesFor(int sampleRate) => Math.Max(sampleRate / 2, 16);

    /// <summary>Pre-roll of a chunk, rounded up to a multiple of <paramref name="align"/> (the STFT hop, when frames must line up).</summary>
    public int PreRoll(int index, int sampleRate, int align = 1) =>
        (int)Math.Min(Start(index), (PreRollFramesFor(sampleRate) + align - 1) / align * align);

    public static ChunkPlan Create(long totalFrames, int sampleRate, double chunkSeconds, int gridFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalFrames);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridFrames, 1);
        var grids = Math.Max(1, (long)Math.Round(chunkSeconds * sampleRate / gridFrames));
        var chunkFrames = (int)Math.Min(grids * gridFrames, int.MaxValue / 2 / gridFrames * gridFrames);
        return new ChunkPlan(totalFrames, chunkFrames, gridFrames);
    }
}
