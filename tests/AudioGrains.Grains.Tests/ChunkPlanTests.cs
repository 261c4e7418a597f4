using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Tests;

public sealed class ChunkPlanTests
{
    [Theory]
    [InlineData(16000, 30.0, 480000)]
    [InlineData(16000, 5.0, 80000)]
    [InlineData(44100, 5.0, 220500)]
    [InlineData(16000, 0.04, 1600)] // never shorter than one 100 ms segment
    public void Chunk_length_is_a_whole_number_of_segments(int rate, double seconds, int expectedFrames)
    {
        var segment = (rate + 5) / 10;
        var plan = ChunkPlan.Create(10_000_000, rate, seconds, segment);
        Assert.Equal(expectedFrames, plan.ChunkFrames);
        Assert.Equal(0, plan.ChunkFrames % segment);
    }

    [Fact]
    public void Chunks_tile_the_signal_exactly_with_a_short_last_chunk()
    {
        var plan = ChunkPlan.Create(1_000_001, 16000, 5, 1600);
        Assert.Equal(13, plan.Count);
        long covered = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            Assert.Equal(covered, plan.Start(i));
            Assert.Equal(0, plan.Start(i) % 1600);
            covered += plan.Length(i);
        }
        Assert.Equal(1_000_001, covered);
        Assert.Equal(1_000_001 - 12 * 80000, plan.Length(12));
    }

    [Fact]
    public void Pre_roll_is_half_a_second_but_never_before_the_start()
    {
        var plan = ChunkPlan.Create(1_000_000, 16000, 5, 1600);
        Assert.Equal(0, plan.PreRoll(0, 16000));
        Assert.Equal(8000, plan.PreRoll(1, 16000));
        Assert.Equal(0, ChunkPlan.Create(0, 16000, 5, 1600).Count);
    }
}
