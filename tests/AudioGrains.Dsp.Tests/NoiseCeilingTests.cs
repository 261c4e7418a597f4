using System.Numerics;

namespace AudioGrains.Dsp.Tests;

/// <summary>The ceiling on the tracker's noise: it binds at the window's quietest 128 ms plus its margin, and leaves a tracker on stationary noise alone.</summary>
public class NoiseCeilingTests
{
    private const double FrameSeconds = SpeechEnhancerOptions.ReferenceFrameSeconds;
    private static readonly int Length = Vector<float>.Count;

    [Fact]
    public void A_noise_far_over_the_quietest_power_comes_down_to_the_ceiling()
    {
        var options = SpeechEnhancerOptions.Defaults;
        var ceiling = new NoiseCeiling(options, Length, FrameSeconds);
        var power = new float[Length];
        var noise = new float[Length];
        for (var f = 0; f < 200; f++)
        {
            Array.Fill(power, f % 40 < 8 ? 1e-6f : 1e-3f); // 128 ms at 1e-6 in every 640 ms
            Array.Fill(noise, 1e-3f);                      // a tracker stuck high
            ceiling.Step(f, power, noise);
            // Pieces of 8 frames, blocks of 32: from the second block on, the first block's quiet piece bounds the noise.
            var expected = f < 32 ? 1e-3 : 1e-6 * Math.Pow(10, options.CeilingOverMinimumDb / 10);
            Assert.Equal(expected, noise[0], expected * 1e-5);
        }
    }

    [Fact]
    public void A_tracker_on_stationary_noise_is_left_alone()
    {
        var ceiling = new NoiseCeiling(SpeechEnhancerOptions.Defaults, Length, FrameSeconds);
        var random = new Random(4);
        var power = new float[Length];
        var noise = new float[Length];
        for (var f = 0; f < 3000; f++)
        {
            for (var k = 0; k < Length; k++) power[k] = (float)(-1e-4 * Math.Log(1 - random.NextDouble()));
            Array.Fill(noise, 1e-4f); // the tracker at the noise's mean
            ceiling.Step(f, power, noise);
            Assert.All(noise, n => Assert.Equal(1e-4f, n));
        }
    }
}
