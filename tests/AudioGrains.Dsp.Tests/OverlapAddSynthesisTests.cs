namespace AudioGrains.Dsp.Tests;

public class OverlapAddSynthesisTests
{
    [Fact]
    public void UnchangedSpectraComeBackAsTheInputIncludingBothEnds()
    {
        const int n = 256, hop = 64, frames = 1000 + 13;
        var x = GateSignals.WhiteNoise(frames, 0.3, seed: 10);
        var grid = new StftGrid(n, hop, frames);
        var fft = new RealFft(n);
        var w = HannWindow.Periodic(n);
        var stft = new StftAnalysis(fft, w, 1, centreExtraction: false);
        var synthesis = new OverlapAddSynthesis(fft, w, hop, 1);
        double[] re = new double[n / 2 + 1], im = new double[n / 2 + 1], y = new double[frames];
        synthesis.Clear();
        for (var f = 0L; f <= grid.LastFrame; f++)
        {
            stft.Spectra(new SignalWindow(x, 1, 0, frames), grid, f, re, im);
            synthesis.Add(0, re, im);
            synthesis.Emit(grid, f, 0, frames, y, final: f == grid.LastFrame);
        }
        for (var t = 0; t < frames; t++) Assert.Equal(x[t], y[t], 1e-14);
    }
}
