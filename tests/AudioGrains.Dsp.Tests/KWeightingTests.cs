namespace AudioGrains.Dsp.Tests;

public class KWeightingTests
{
    [Fact]
    public void ShelfAt48kMatchesItuTable()
    {
        var c = BiquadCoefficients.KWeightingShelf(48000);
        Assert.Equal(1.53512485958697, c.B0, 1e-12);
        Assert.Equal(-2.69169618940638, c.B1, 1e-12);
        Assert.Equal(1.19839281085285, c.B2, 1e-12);
        Assert.Equal(-1.69065929318241, c.A1, 1e-12);
        Assert.Equal(0.73248077421585, c.A2, 1e-12);
    }

    [Fact]
    public void HighPassAt48kMatchesItuTable()
    {
        var c = BiquadCoefficients.KWeightingHighPass(48000);
        Assert.Equal(1.0, c.B0);
        Assert.Equal(-2.0, c.B1);
        Assert.Equal(1.0, c.B2);
        Assert.Equal(-1.99004745483398, c.A1, 1e-12);
        Assert.Equal(0.99007225036621, c.A2, 1e-12);
    }

    [Fact]
    public void GainAt1kHzIsWhatTheLoudnessOffsetCancels()
    {
        // −0.691 in L = −0.691 + 10·log10(z) cancels the K-curve's gain at 1 kHz, about +0.69 dB.
        Assert.Equal(0.691, KWeightingDb(1000, 48000), 0.01);
    }

    [Theory]
    [InlineData(44100, 0.005)]
    [InlineData(16000, 0.05)]
    public void ResponseAt1kHzBarelyMovesWithTheRate(int sampleRate, double tolerance)
    {
        // The analog prototype fixes the curve at every rate; what remains is the bilinear warping of
        // the 1.68 kHz shelf, largest at 16 kHz (+0.04 dB at 1 kHz, as in libebur128).
        Assert.Equal(KWeightingDb(1000, 48000), KWeightingDb(1000, sampleRate), tolerance);
    }

    [Fact]
    public void The48kTableIsWrongAt16k()
    {
        // Why coefficients are computed per rate: at 16 kHz the 48 kHz table puts the shelf at a
        // third of its frequency and reads about 3 dB high at 1 kHz.
        var shelf48 = BiquadCoefficients.KWeightingShelf(48000);
        var highPass48 = BiquadCoefficients.KWeightingHighPass(48000);
        var misused = Decibels.FromAmplitude(shelf48.MagnitudeAt(1000, 16000) * highPass48.MagnitudeAt(1000, 16000));
        Assert.InRange(misused - KWeightingDb(1000, 16000), 2.5, 3.5);
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(16000)]
    public void StateVariableFormIsTheSameFilterAsTheBiquads(int rate)
    {
        // The meter evaluates the two ITU sections in state-variable form; on programme material its
        // energy agrees with the direct-form cascade to rounding, at every rate.
        var shelf = new Biquad(BiquadCoefficients.KWeightingShelf(rate));
        var highPass = new Biquad(BiquadCoefficients.KWeightingHighPass(rate));
        var x = TestSignals.Programme(rate, 1, 0.5, seed: 3);
        var expected = 0.0;
        foreach (var v in x)
        {
            var y = highPass.Process(shelf.Process(v));
            expected += y * y;
        }
        var filter = new KWeightingFilter(rate, 1);
        var actual = filter.AccumulateSquares(x.AsSpan(0, 1000), 0, 0);
        actual = filter.AccumulateSquares(x.AsSpan(1000), 0, actual);
        Assert.Equal(expected, actual, expected * 1e-12);
    }

    [Fact]
    public void StreamingDoesNotDependOnCallBoundaries()
    {
        var x = TestSignals.Programme(16000, 2, 0.5, seed: 4);
        var whole = new KWeightingFilter(16000, 2);
        var split = new KWeightingFilter(16000, 2);
        for (var c = 0; c < 2; c++)
        {
            var a = whole.AccumulateSquares(x, c, 0);
            var b = split.AccumulateSquares(x.AsSpan(0, 2 * 333), c, 0);
            b = split.AccumulateSquares(x.AsSpan(2 * 333), c, b);
            Assert.Equal(a, b);
        }
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(6, 4)]
    public void A_channel_pair_gives_exactly_what_each_channel_alone_gives(int channels, int first)
    {
        var x = TestSignals.Programme(44100, channels, 0.5, seed: 5);
        var alone = new KWeightingFilter(44100, channels);
        var paired = new KWeightingFilter(44100, channels);
        var a = alone.AccumulateSquares(x.AsSpan(0, channels * 1001), first, 0.25);
        var b = alone.AccumulateSquares(x.AsSpan(0, channels * 1001), first + 1, 0.5);
        a = alone.AccumulateSquares(x.AsSpan(channels * 1001), first, a);
        b = alone.AccumulateSquares(x.AsSpan(channels * 1001), first + 1, b);

        var (p, q) = paired.AccumulateSquaresPair(x.AsSpan(0, channels * 1001), first, 0.25, 0.5);
        (p, q) = paired.AccumulateSquaresPair(x.AsSpan(channels * 1001), first, p, q);

        Assert.Equal(a, p);
        Assert.Equal(b, q);
    }

    private static double KWeightingDb(double frequency, int sampleRate)
        => Decibels.FromAmplitude(
            BiquadCoefficients.KWeightingShelf(sampleRate).MagnitudeAt(frequency, sampleRate)
            * BiquadCoefficients.KWeightingHighPass(sampleRate).MagnitudeAt(frequency, sampleRate));
}
