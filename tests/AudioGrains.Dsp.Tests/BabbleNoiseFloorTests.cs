using System.Numerics;

namespace AudioGrains.Dsp.Tests;

/// <summary>
/// The speech estimator's babble floor: it stays out on noise the tracker follows, comes in at its
/// level when the tracker calls speech present in much of the spectrogram, stays out where the tonal
/// memory holds notes, and does not depend on where a run began.
/// </summary>
public class BabbleNoiseFloorTests
{
    private const double FrameSeconds = SpeechEnhancerOptions.ReferenceFrameSeconds;
    private const int Bins = 60;
    private static readonly int Length = SpeechEnhancer.PaddedLength(Bins);
    private static readonly SpeechEnhancerOptions Options = SpeechEnhancerOptions.Defaults;

    [Fact]
    public void Noise_the_tracker_follows_gets_no_floor()
    {
        var floor = new BabbleNoiseFloor(Options, Length, Bins, FrameSeconds);
        var random = new Random(1);
        var tracker = Filled(1e-4f);
        var (power, noise) = (new float[Length], new float[Length]);
        for (var f = 0; f < 2000; f++)
        {
            for (var k = 0; k < Bins; k++) power[k] = (float)(-1e-4 * Math.Log(1 - random.NextDouble())); // exponential around the tracker's noise
            tracker.CopyTo(noise);
            floor.Step(f, power, tracker, noise);
            Assert.Equal(tracker, noise);
        }
        Assert.InRange(floor.PresentShare, 0.001, 0.01); // e^−5.83 of exponential noise passes the ratio: 0.3 %
        Assert.Equal(0, floor.Weight);
    }

    [Fact]
    public void Noise_far_over_the_tracker_gets_the_floor_at_its_level()
    {
        // Half of the bins stand 10 dB over the tracker all the time (the tracker lost them, as under babble).
        var floor = new BabbleNoiseFloor(Options, Length, Bins, FrameSeconds);
        var tracker = Filled(1e-5f);
        var power = new float[Length];
        for (var k = 0; k < Bins; k++) power[k] = k % 2 == 0 ? 1e-4f : 1e-5f;
        var noise = new float[Length];
        var windowFrames = (int)(Options.BabbleWindowSeconds / FrameSeconds);
        for (var f = 0; f < windowFrames + 100; f++)
        {
            tracker.CopyTo(noise);
            floor.Step(f, power, tracker, noise);
        }
        Assert.InRange(floor.PresentShare, 0.499, 0.501);
        Assert.Equal(1, floor.Weight);
        var fraction = Math.Pow(10, Options.BabbleFloorDb / 10); // −5.2 dB: 0.30 of the mean power
        for (var k = 0; k < Bins; k++)
            Assert.Equal(Math.Max(fraction * power[k], 1e-5), noise[k], 1e-9);
    }

    [Fact]
    public void Held_notes_keep_the_floor_out()
    {
        // Music: speech shows between the partials (the share is high), but the tonal memory holds 5 % of the bins.
        var floor = new BabbleNoiseFloor(Options, Length, Bins, FrameSeconds);
        var tracker = Filled(1e-5f);
        var power = new float[Length];
        for (var k = 0; k < Bins; k++) power[k] = k % 2 == 0 ? 1e-4f : 1e-5f;
        var noise = new float[Length];
        for (var f = 0; f < 1000; f++)
        {
            tracker.CopyTo(noise);
            noise[Bins - 1] = noise[Bins - 2] = noise[Bins - 3] = 1e-3f; // the memory's notes: 3 of 60 bins
            floor.Step(f, power, tracker, noise);
        }
        Assert.InRange(floor.TonalShare, 0.049, 0.051);
        Assert.Equal(0, floor.Weight);
        Assert.Equal(1e-5f, noise[0]);
    }

    [Fact]
    public void Sound_that_pauses_gets_no_floor()
    {
        // Clean speech: the same bins stand over the tracker's noise, but every 2 s comes 0.3 s of near silence.
        var floor = new BabbleNoiseFloor(Options, Length, Bins, FrameSeconds);
        var tracker = Filled(1e-9f);
        var power = new float[Length];
        var noise = new float[Length];
        for (var f = 0; f < 2000; f++)
        {
            var pause = f % 125 < 19;
            for (var k = 0; k < Bins; k++) power[k] = pause ? 1e-9f : k % 2 == 0 ? 1e-4f : 1e-5f;
            tracker.CopyTo(noise);
            floor.Step(f, power, tracker, noise);
            Assert.Equal(tracker, noise);
        }
        Assert.True(floor.PresentShare > 0.5, $"share {floor.PresentShare}");
        Assert.InRange(floor.Depth, 45, 50); // mean 10^−4.26 over 10^−9 per bin: 47.4 dB
        Assert.Equal(0, floor.Weight);
    }

    [Fact]
    public void The_floor_does_not_depend_on_where_a_run_began()
    {
        var random = new Random(3);
        var whole = new BabbleNoiseFloor(Options, Length, Bins, FrameSeconds);
        var late = new BabbleNoiseFloor(Options, Length, Bins, FrameSeconds);
        var tracker = Filled(1e-5f);
        var power = new float[Length];
        var (a, b) = (new float[Length], new float[Length]);
        const int lateStart = 517; // mid-block, as a chunk's context start falls
        var (checkedFrames, floored, open) = (0, 0, 0);
        for (var f = 0; f < 3000; f++)
        {
            var loud = (f / 300) % 2 == 0; // babble comes and goes, so that the floor changes
            for (var k = 0; k < Bins; k++) power[k] = (float)(-(loud ? 1e-4 : 1e-5) * Math.Log(1 - random.NextDouble()));
            tracker.CopyTo(a);
            whole.Step(f, power, tracker, a);
            if (f < lateStart) continue;
            tracker.CopyTo(b);
            late.Step(f, power, tracker, b);
            if (f < lateStart + whole.WindowFrames) continue;
            Assert.Equal(a, b);
            checkedFrames++;
            if (a[0] > tracker[0]) floored++;
            else open++;
        }
        Assert.True(checkedFrames > 1000);
        Assert.True(floored > 200 && open > 200, $"the floor must come and go: {floored} frames with it, {open} without");
    }

    private static float[] Filled(float value)
    {
        var x = new float[Length];
        Array.Fill(x, value, 0, Bins);
        Array.Fill(x, SpeechPresenceNoiseTracker.NoiseFloor, Bins, Length - Bins);
        return x;
    }
}
