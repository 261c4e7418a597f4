namespace AudioGrains.Dsp.Tests;

public class MagnitudeSmootherTests
{
    [Fact]
    public void StepIsBTimesInputPlusOneMinusBTimesPrevious()
    {
        const int bins = 21; // whole vectors of any width up to 16, plus a tail
        const double b = 0.0080;
        var random = new Random(6);
        double[] input = new double[bins], previous = new double[bins], target = new double[bins];
        for (var k = 0; k < bins; k++) (input[k], previous[k]) = (random.NextDouble(), random.NextDouble());
        MagnitudeSmoother.Step(input, previous, b, target);
        for (var k = 0; k < bins; k++) Assert.Equal(b * input[k] + (1 - b) * previous[k], target[k]);
        // In place (target = input), as the backward pass runs.
        MagnitudeSmoother.Step(input, previous, b, input);
        Assert.Equal(target, input);
    }

    [Fact]
    public void CoefficientAndSettlingAt16kHz()
    {
        var b = MagnitudeSmoother.Coefficient(2.0, 16000, 256); // t = 125 frames
        Assert.Equal((Math.Sqrt(1 + 4 * 125.0 * 125) - 1) / (2 * 125.0 * 125), b);
        Assert.Equal(1727, MagnitudeSmoother.SettlingFrames(b));
        Assert.True(Math.Pow(1 - b, 1727) <= MagnitudeSmoother.Settling && Math.Pow(1 - b, 1726) > MagnitudeSmoother.Settling);
    }
}
