namespace AudioGrains.Dsp.Tests;

/// <summary>EBU Tech 3341 integrated-loudness cases, 1 kHz sines built in code, ±0.1 LU.</summary>
public class LoudnessConformanceTests
{
    private const double Tolerance = 0.1;

    public static TheoryData<int, double, double[]> Cases()
    {
        // (sample rate, expected LUFS, flattened (dBFS, seconds) steps)
        var data = new TheoryData<int, double, double[]>();
        foreach (var rate in new[] { 48000, 44100, 16000 })
        {
            data.Add(rate, -23, [-23, 20]);
            data.Add(rate, -33, [-33, 20]);
            data.Add(rate, -23, [-36, 10, -23, 60, -36, 10]);
            data.Add(rate, -23, [-72, 10, -36, 10, -23, 60, -36, 10, -72, 10]);
            data.Add(rate, -23, [-26, 20, -20, 20.1, -26, 20]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StereoSineMeetsTech3341(int sampleRate, double expectedLufs, double[] steps)
    {
        var result = TestSignals.MeasureSine(sampleRate, 2, 1000, Unflatten(steps));
        Assert.Equal(expectedLufs, result.IntegratedLufs, Tolerance);
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(16000)]
    public void MonoSineReadsThreeDecibelsBelowStereo(int sampleRate)
    {
        // Mono with weight 1 has half the energy of the same sine on two channels:
        // −23 − 10·log10(2) = −26.01 LUFS.
        var steps = TestSignals.Steps((-23, 10));
        var mono = TestSignals.MeasureSine(sampleRate, 1, 1000, steps);
        var stereo = TestSignals.MeasureSine(sampleRate, 2, 1000, steps);
        Assert.Equal(-23 - 10 * Math.Log10(2), mono.IntegratedLufs, Tolerance);
        Assert.Equal(stereo.IntegratedLufs - 10 * Math.Log10(2), mono.IntegratedLufs, 1e-9);
    }

    [Fact]
    public void SampleRateDoesNotChangeTheReading()
    {
        var steps = TestSignals.Steps((-23, 5));
        var at48 = TestSignals.MeasureSine(48000, 2, 1000, steps).IntegratedLufs;
        // Within the K-curve's own differences at 1 kHz (see KWeightingTests): 0.005 dB at 44.1 kHz,
        // 0.04 dB at 16 kHz.
        Assert.Equal(at48, TestSignals.MeasureSine(44100, 2, 1000, steps).IntegratedLufs, 0.005);
        Assert.Equal(at48, TestSignals.MeasureSine(16000, 2, 1000, steps).IntegratedLufs, 0.05);
    }

    [Fact]
    public void SurroundWeightsCountAsSpecified()
    {
        // 5.1: the same −23 dBFS sine on L, R, C, LFE, Ls, Rs → energies 1 + 1 + 1 + 0 + 1.41 + 1.41
        // = 5.82 times one channel's; one channel alone reads −26.01, so 10·log10(5.82) above that.
        var weights = ChannelWeights.For(6, "5.1");
        var meter = new LoudnessMeter(48000, 6, weights);
        TestSignals.FeedSine(meter, 1000, TestSignals.Steps((-23, 5)));
        var mono = TestSignals.MeasureSine(48000, 1, 1000, TestSignals.Steps((-23, 5)));
        Assert.Equal(mono.IntegratedLufs + 10 * Math.Log10(5.82), meter.Result().IntegratedLufs, 1e-9);
    }

    private static TestSignals.Step[] Unflatten(double[] steps)
    {
        var result = new TestSignals.Step[steps.Length / 2];
        for (var i = 0; i < result.Length; i++) result[i] = new TestSignals.Step(steps[2 * i], steps[2 * i + 1]);
        return result;
    }
}
