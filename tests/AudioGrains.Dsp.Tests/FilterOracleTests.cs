using System.Numerics;
using MathNet.Numerics.IntegralTransforms;
using Xunit.Abstractions;

namespace AudioGrains.Dsp.Tests;

/// <summary>
/// Frequency responses of the filters measured with MathNet.Numerics' FFT (independent of our FFT)
/// and compared with transfer functions computed here in closed form: the analog prototype through
/// the prewarped bilinear transform (which maps e^{jω} to s = j·tan(ω/2)/tan(ω0/2) exactly), and at
/// 48 kHz the ITU-R BS.1770 coefficient table.
/// </summary>
public class FilterOracleTests(ITestOutputHelper output)
{
    // Impulse responses are this long; every filter here has decayed below 1e-17 well before the end
    // (the slowest, the 38 Hz RLB high-pass at 48 kHz, within about 0.3 s), so the FFT of the
    // truncated response is the transfer function on L equally spaced frequencies.
    private const int L = 1 << 16;

    [Theory]
    [InlineData(16000, 80.0)]
    [InlineData(48000, 80.0)]
    [InlineData(44100, 120.0)]
    [InlineData(48000, 10000.0)]
    public void HighPassImpulseResponseSpectrumIsTheButterworthPrototypeOnEveryBin(int rate, double cutoff)
    {
        // Two channels with different impulses: channel 0 a unit impulse, channel 1 −0.5 times one.
        var x = new double[2 * L];
        x[0] = 1;
        x[1] = -0.5;
        new HighPassFilter(rate, 2, cutoff).Process(x);

        var tanCutoff = Math.Tan(Math.PI * cutoff / rate);
        Complex Prototype(int k) // 2nd-order Butterworth high-pass s² / (s² + √2·s + 1) at s = jΩ
        {
            var s = new Complex(0, Math.Tan(Math.PI * k / L) / tanCutoff);
            return s * s / (s * s + Math.Sqrt(2) * s + 1);
        }

        for (var channel = 0; channel < 2; channel++)
        {
            var gain = channel == 0 ? 1 : -0.5;
            var spectrum = new Complex[L];
            for (var n = 0; n < L; n++) spectrum[n] = x[2 * n + channel] / gain;
            Assert.True(Complex.Abs(spectrum[L - 1]) < 1e-17, $"impulse response not decayed: h[L−1] = {spectrum[L - 1]:E3}");
            Fourier.Forward(spectrum, FourierOptions.Matlab);

            double maxComplex = 0, maxDb = 0, maxPhase = 0;
            for (var k = 0; k <= L / 2; k++)
            {
                var expected = Prototype(k);
                maxComplex = Math.Max(maxComplex, Complex.Abs(spectrum[k] - expected));
                if (Complex.Abs(expected) > 1e-3) // magnitude in dB and phase where they mean something
                {
                    maxDb = Math.Max(maxDb, Math.Abs(Decibels.FromAmplitude(Complex.Abs(spectrum[k]) / Complex.Abs(expected))));
                    maxPhase = Math.Max(maxPhase, Math.Abs((spectrum[k] / expected).Phase));
                }
            }
            output.WriteLine($"{rate} Hz, fc {cutoff} Hz, channel {channel}: max |ΔH| {maxComplex:E2}, max |ΔdB| {maxDb:E2}, max |Δphase| {maxPhase:E2} rad");
            Assert.True(maxComplex < 1e-12, $"max |ΔH| = {maxComplex:E3}");
            Assert.True(maxDb < 1e-9, $"max |ΔdB| = {maxDb:E3}");
            Assert.True(maxPhase < 1e-9, $"max |Δphase| = {maxPhase:E3} rad");
        }
    }

    [Theory]
    [InlineData(16000, 80.0)]
    [InlineData(48000, 80.0)]
    [InlineData(44100, 120.0)]
    public void HighPassCoefficientsTransferFunctionIsTheImpulseResponseSpectrum(int rate, double cutoff)
    {
        // The biquad the filter publishes for analysis, H = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²),
        // evaluated here, against the spectrum of the state-variable filter it describes.
        var filter = new HighPassFilter(rate, 1, cutoff);
        var h = new double[L];
        h[0] = 1;
        filter.Process(h);
        var spectrum = h.Select(v => new Complex(v, 0)).ToArray();
        Fourier.Forward(spectrum, FourierOptions.Matlab);

        var max = 0.0;
        for (var k = 0; k <= L / 2; k++) max = Math.Max(max, Complex.Abs(spectrum[k] - Transfer(filter.Coefficients, k, L)));
        // Unlike the state-variable filter, the biquad polynomials are ill-conditioned near z = 1: a
        // rounding of a1, a2 (ε = 2.2e-16) moves H there by about ε·(rate/cutoff)², the square of the
        // poles' distance from z = 1 (measured: 3e-13 at 16 kHz / 80 Hz, 2.5e-12 at 48 kHz / 80 Hz).
        var bound = Math.Pow(2, -52) * Math.Pow(rate / cutoff, 2);
        output.WriteLine($"{rate} Hz, fc {cutoff} Hz: max |ΔH| {max:E2} (bound {bound:E2})");
        Assert.True(max < bound, $"max |ΔH| = {max:E3}, bound {bound:E3}");
    }

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(16000)]
    public void KWeightingBiquadCascadeImpulseResponseSpectrumIsTheAnalogPrototype(int rate)
    {
        // Shelf (Vh·s² + Vb·s/Q + 1)/(s² + s/Q + 1) and RLB high-pass a0·s²/(s² + s/Q + 1), each at its
        // own prewarped s; the ITU high-pass numerator [1, −2, 1] is the prototype times a0 = 1 + g/Q + g².
        var shelf = new Biquad(BiquadCoefficients.KWeightingShelf(rate));
        var highPass = new Biquad(BiquadCoefficients.KWeightingHighPass(rate));
        var spectrum = new Complex[L];
        for (var n = 0; n < L; n++) spectrum[n] = highPass.Process(shelf.Process(n == 0 ? 1 : 0));
        Assert.True(Complex.Abs(spectrum[L - 1]) < 1e-17, $"impulse response not decayed: h[L−1] = {spectrum[L - 1]:E3}");
        Fourier.Forward(spectrum, FourierOptions.Matlab);

        double maxComplex = 0, maxPhase = 0;
        for (var k = 1; k <= L / 2; k++)
        {
            var expected = KWeightingPrototypeResponse(k, L, rate);
            maxComplex = Math.Max(maxComplex, Complex.Abs(spectrum[k] - expected));
            if (k * (double)rate / L >= 10) maxPhase = Math.Max(maxPhase, Math.Abs((spectrum[k] / expected).Phase));
        }
        output.WriteLine($"{rate} Hz: max |ΔH| {maxComplex:E2}, max |Δphase| (f ≥ 10 Hz) {maxPhase:E2} rad");
        // Direct form I with the RLB poles near z = 1: its coefficients' rounding moves H there by about
        // ε·(rate/38 Hz)² (3.5e-10 at 48 kHz; measured 7.7e-12 at 48 kHz, 6.4e-13 at 16 kHz).
        var bound = Math.Pow(2, -52) * Math.Pow(rate / KWeightingPrototype.HighPassFrequency, 2);
        Assert.True(maxComplex < bound, $"max |ΔH| = {maxComplex:E3}, bound {bound:E3}");
        Assert.True(maxPhase < 1e-9, $"max |Δphase| = {maxPhase:E3} rad");
    }

    [Fact]
    public void KWeightingPrototypeAt48kIsTheItuTableOnEveryBin()
    {
        // BS.1770-4 Table 1 and 2 coefficients at 48 kHz, typed in here: independent of our design code.
        var shelf = new BiquadCoefficients(1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585);
        var highPass = new BiquadCoefficients(1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621);
        var (maxDb, maxPhase) = (0.0, 0.0);
        for (var k = 1; k <= L / 2; k++)
        {
            if (k * 48000.0 / L < 10) continue;
            var table = Transfer(shelf, k, L) * Transfer(highPass, k, L);
            var prototype = KWeightingPrototypeResponse(k, L, 48000);
            maxDb = Math.Max(maxDb, Math.Abs(Decibels.FromAmplitude(Complex.Abs(prototype) / Complex.Abs(table))));
            maxPhase = Math.Max(maxPhase, Math.Abs((prototype / table).Phase));
        }
        output.WriteLine($"prototype vs table, 10 Hz..24 kHz: max |ΔdB| {maxDb:E2}, max |Δphase| {maxPhase:E2} rad");
        // The table has 14 decimals; near the RLB poles that moves the response by about 1e-10 dB.
        Assert.True(maxDb < 1e-8, $"max |ΔdB| = {maxDb:E3}");
        Assert.True(maxPhase < 1e-8, $"max |Δphase| = {maxPhase:E3} rad");
    }

    public static TheoryData<int> KWeightingRates => [48000, 44100, 16000];

    [Theory]
    [MemberData(nameof(KWeightingRates))]
    public void KWeightingFilterEnergyInEveryThirdOctaveBandIsTheAnalyticResponseTimesTheSignalSpectrum(int rate)
    {
        // KWeightingFilter exposes only Σ y², so its response is measured by energy: a signal periodic in
        // L with random complex amplitudes on the bins of one third-octave band, run until the filter is
        // in periodic steady state, has Σ y² over one period = (1/L) Σ_k |H(e^{j2πk/L})|² |X_k|² (Parseval),
        // with X_k from MathNet's FFT of the very samples fed in and H the analog prototype through the
        // prewarped bilinear transform (better conditioned near the RLB poles than the biquad polynomials).
        var random = new Random(rate);
        var worst = 0.0;
        var bands = 0;
        for (var band = -17; band <= 13; band++) // centres 1000·2^(band/3): 20 Hz .. 20 kHz
        {
            var centre = 1000 * Math.Pow(2, band / 3.0);
            var lowBin = (int)Math.Ceiling(centre * Math.Pow(2, -1 / 6.0) * L / rate);
            var highBin = Math.Min((int)Math.Ceiling(centre * Math.Pow(2, 1 / 6.0) * L / rate), L / 2);
            if (lowBin >= highBin) continue;

            var spectrum = new Complex[L];
            for (var k = lowBin; k < highBin; k++)
            {
                spectrum[k] = Complex.FromPolarCoordinates(random.NextDouble() + 0.5, 2 * Math.PI * random.NextDouble());
                if (k == L / 2) spectrum[k] = spectrum[k].Real;
                else spectrum[L - k] = Complex.Conjugate(spectrum[k]);
            }
            Fourier.Inverse(spectrum, FourierOptions.Matlab);
            var x = spectrum.Select(c => c.Real).ToArray();
            var scale = 0.5 / x.Max(Math.Abs); // keep it in the audio range
            for (var n = 0; n < L; n++) x[n] *= scale;

            var measured = SteadyStateEnergyPerPeriod(new KWeightingFilter(rate, 1), x, rate);
            var expected = ExpectedEnergy(x, k => Complex.Abs(KWeightingPrototypeResponse(k, L, rate)));
            var relative = Math.Abs(measured / expected - 1);
            worst = Math.Max(worst, relative);
            bands++;
            Assert.True(relative < 1e-12, $"{rate} Hz, band {centre:F0} Hz: energy {measured:R} vs {expected:R} ({relative:E3})");
        }
        output.WriteLine($"{rate} Hz: {bands} bands, max relative energy error {worst:E2} ({10 * Math.Log10(1 + worst):E2} dB)");
        Assert.True(bands >= (rate >= 44100 ? 31 : 26));
    }

    [Fact]
    public void KWeightingFilterEnergyOfWhiteNoiseAt48kMatchesTheItuTableResponse()
    {
        // All bins at once, against the transfer function of the typed-in BS.1770 table.
        var shelf = new BiquadCoefficients(1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585);
        var highPass = new BiquadCoefficients(1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621);
        var x = RealFftTests.RandomSignal(L, seed: 48);
        for (var n = 0; n < L; n++) x[n] *= 0.5;

        var measured = SteadyStateEnergyPerPeriod(new KWeightingFilter(48000, 1), x, 48000);
        var expected = ExpectedEnergy(x, k => Complex.Abs(Transfer(shelf, k, L) * Transfer(highPass, k, L)));
        var relative = Math.Abs(measured / expected - 1);
        output.WriteLine($"white noise at 48 kHz: energy {measured:R} vs {expected:R}, relative {relative:E2}");
        Assert.True(relative < 1e-10, $"energy {measured:R} vs {expected:R} ({relative:E3})");
    }

    /// <summary>Runs whole periods of <paramref name="x"/> for 2 s, then returns Σ y² over one more period.</summary>
    private static double SteadyStateEnergyPerPeriod(KWeightingFilter filter, double[] x, int rate)
    {
        for (var warmed = 0; warmed < 2 * rate; warmed += x.Length) filter.Warm(x);
        return filter.AccumulateSquares(x, 0, 0);
    }

    /// <summary>(1/L) Σ_k |H_k|² |X_k|² with X = MathNet's unscaled FFT of <paramref name="x"/>.</summary>
    private static double ExpectedEnergy(double[] x, Func<int, double> magnitude)
    {
        var spectrum = x.Select(v => new Complex(v, 0)).ToArray();
        Fourier.Forward(spectrum, FourierOptions.Matlab);
        var sum = 0.0;
        for (var k = 0; k < spectrum.Length; k++)
        {
            var m = magnitude(Math.Min(k, spectrum.Length - k)); // |H| is even in k for a real filter
            sum += m * m * (spectrum[k].Real * spectrum[k].Real + spectrum[k].Imaginary * spectrum[k].Imaginary);
        }
        return sum / spectrum.Length;
    }

    /// <summary>H(e^{jω}) = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²) at ω = 2πk/length, angles reduced exactly.</summary>
    private static Complex Transfer(BiquadCoefficients c, int k, int length)
    {
        var z1 = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / length);
        var z2 = Complex.FromPolarCoordinates(1, -2 * Math.PI * (2 * (long)k % length) / length);
        return (c.B0 + c.B1 * z1 + c.B2 * z2) / (1 + c.A1 * z1 + c.A2 * z2);
    }

    /// <summary>The K-weighting analog prototype (<see cref="KWeightingPrototype"/>) through the prewarped bilinear transform.</summary>
    private static Complex KWeightingPrototypeResponse(int k, int length, int rate)
    {
        var tanHalfOmega = Math.Tan(Math.PI * k / length);
        var vh = Math.Pow(10, KWeightingPrototype.ShelfGainDb / 20);
        var vb = Math.Pow(vh, KWeightingPrototype.ShelfBandGainExponent);
        var gShelf = Math.Tan(Math.PI * KWeightingPrototype.ShelfFrequency / rate);
        var s = new Complex(0, tanHalfOmega / gShelf);
        var shelf = (vh * s * s + vb * s / KWeightingPrototype.ShelfQ + 1) / (s * s + s / KWeightingPrototype.ShelfQ + 1);
        var gHigh = Math.Tan(Math.PI * KWeightingPrototype.HighPassFrequency / rate);
        var a0 = 1 + gHigh / KWeightingPrototype.HighPassQ + gHigh * gHigh;
        var p = new Complex(0, tanHalfOmega / gHigh);
        var highPass = a0 * p * p / (p * p + p / KWeightingPrototype.HighPassQ + 1);
        return shelf * highPass;
    }
}
