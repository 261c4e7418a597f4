namespace AudioGrains.Dsp.Tests;

public class StftAnalysisTests
{
    [Theory]
    [InlineData(0)]   // half in the start padding
    [InlineData(2)]   // inside
    [InlineData(4)]   // the last frame, past the signal's end
    public void FrameIsTheDftOfTheWindowedSignalOverSumOfWindowZeroOutside(long m)
    {
        const int n = 256, hop = 64, frames = 300, channels = 2;
        var x = GateSignals.WhiteNoise(frames * channels, 0.3, seed: 9);
        var grid = new StftGrid(n, hop, frames);
        var w = HannWindow.Periodic(n);
        var stft = new StftAnalysis(new RealFft(n), w, channels, centreExtraction: false);
        double[] re = new double[channels * (n / 2 + 1)], im = new double[re.Length];
        stft.Spectra(new SignalWindow(x, channels, 0, frames), grid, m, re, im);
        for (var c = 0; c < channels; c++)
            for (var k = 0; k < n / 2 + 1; k += 17)
            {
                double sr = 0, si = 0;
                for (var i = 0; i < n; i++)
                {
                    var t = grid.FrameStart(m) + i;
                    var v = t < 0 || t >= frames ? 0 : x[t * channels + c] * w[i] / (n / 2.0);
                    sr += v * Math.Cos(2 * Math.PI * k * i / n);
                    si -= v * Math.Sin(2 * Math.PI * k * i / n);
                }
                Assert.Equal(sr, re[c * (n / 2 + 1) + k], 1e-12);
                Assert.Equal(si, im[c * (n / 2 + 1) + k], 1e-12);
            }
    }
}
