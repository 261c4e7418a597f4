namespace AudioGrains.Dsp.Tests;

/// <summary>The STFT and its weighted overlap-add inverse: with nothing to gate the input comes back.</summary>
public class SpectralGateReconstructionTests
{
    [Theory]
    [InlineData(1024, 256, 1, 20803)]  // length not a multiple of the hop
    [InlineData(1024, 256, 2, 16384)]  // a multiple: the last frame is centred on the end
    [InlineData(512, 256, 1, 5000)]    // hop n/2: Σw² is not constant, the per-sample division still is exact
    [InlineData(2048, 128, 1, 9000)]
    [InlineData(1024, 256, 1, 700)]    // shorter than one frame
    public void AllOnesMaskReturnsTheInput(int fft, int hop, int channels, int frames)
    {
        var x = new double[frames * channels];
        var random = new Random(frames);
        for (var i = 0; i < x.Length; i++) x[i] = random.NextDouble() * 2 - 1;
        var gate = new SpectralGate(new SpectralGateOptions { Mode = DenoiseMode.Off, FftSize = fft, Hop = hop }, 16000, channels);
        Assert.True(gate.IsPassThrough);
        var y = new double[x.Length];
        gate.Process(new SignalWindow(x, channels, 0, frames), 0, frames, null, null, y);
        var worst = 0.0;
        for (var i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(y[i] - x[i]));
        Assert.True(worst < 1e-12, $"max error {worst}");
        // The first and last n_fft/2 samples, where frames are missing and Σw² is smaller, included.
        for (var i = 0; i < Math.Min(fft / 2, frames) * channels; i++)
        {
            Assert.Equal(x[i], y[i], 1e-12);
            Assert.Equal(x[^(i + 1)], y[^(i + 1)], 1e-12);
        }
    }

    [Fact]
    public void FrameGridFollowsLibrosaCentreTrue()
    {
        var grid = new StftGrid(1024, 256, 16000);
        Assert.Equal(1 + 16000 / 256, grid.FrameCount);
        Assert.Equal(-512, grid.FrameStart(0));
        // Ranges tile the frames: [0, 6400) and [6400, 16000).
        Assert.Equal((0L, 24L), grid.OwnedFrames(0, 6400));
        Assert.Equal((25L, 62L), grid.OwnedFrames(6400, 16000));
        var exact = new StftGrid(1024, 256, 12800);
        Assert.Equal((25L, 50L), exact.OwnedFrames(6400, 12800)); // frame 50 is centred on the end
        Assert.Equal((24L, 27L), grid.FramesTouching(6400, 6401));
    }
}
