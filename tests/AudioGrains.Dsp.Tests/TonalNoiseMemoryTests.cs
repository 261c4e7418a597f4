using System.Numerics;

namespace AudioGrains.Dsp.Tests;

/// <summary>
/// The speech estimator's tonal noise memory: held notes are remembered as noise (and forgotten on
/// schedule), gliding partials and noise are not, and the memory's window makes its value independent
/// of where a run began (what chunk invariance needs).
/// </summary>
public class TonalNoiseMemoryTests
{
    private const double FrameSeconds = SpeechEnhancerOptions.ReferenceFrameSeconds;
    private static readonly int Length = Vector<float>.Count;

    [Fact]
    public void A_level_decays_by_the_given_rate_and_leaves_with_its_block()
    {
        const int blockFrames = 10, blocks = 3;
        const double decayDb = 0.5;
        var window = new DecayingWindowMaximum(Length, blockFrames, blocks, decayDb);
        var powers = new float[Length];
        var maximum = new float[Length];
        for (var f = 0L; f < 60; f++)
        {
            Array.Fill(powers, f == 13 ? 1e4f : DecayingWindowMaximum.Empty);
            window.Update(f, powers, maximum);
            // Frame 13 is in block 1; the window at frame f holds block f/10 and the 3 before it.
            var expected = f >= 13 && f / blockFrames <= 1 + blocks ? 1e4 * Math.Pow(10, -decayDb * (f - 13) / 10) : 0;
            Assert.Equal(expected, maximum[0], expected * 1e-5);
        }
    }

    [Fact]
    public void The_maximum_does_not_depend_on_where_a_run_began()
    {
        var random = new Random(5);
        var levels = Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, Length).Select(_ => random.NextDouble() < 0.1 ? (float)Math.Pow(10, random.NextDouble() * 6) : DecayingWindowMaximum.Empty).ToArray()).ToArray();
        var whole = new DecayingWindowMaximum(Length, 16, 4, 0.3f);
        var late = new DecayingWindowMaximum(Length, 16, 4, 0.3f);
        var a = new float[Length];
        var b = new float[Length];
        const int lateStart = 37; // mid-block, as a chunk's context start falls
        for (var f = 0; f < levels.Length; f++)
        {
            whole.Update(f, levels[f], a);
            if (f < lateStart) continue;
            late.Update(f, levels[f], b);
            if (f >= lateStart + whole.WindowFrames) Assert.Equal(a, b);
        }
    }

    [Fact]
    public void A_held_note_is_remembered_and_forgotten_on_schedule()
    {
        var options = SpeechEnhancerOptions.Defaults;
        var memory = new TonalNoiseMemory(options, Length, Length, FrameSeconds);
        var random = new Random(2);
        const float noisePower = 1e-6f, notePower = 1e-3f; // the note 30 dB over the noise, in bin 1
        var tracker = Enumerable.Repeat(noisePower, Length).ToArray();
        var power = new float[Length];
        var noise = new float[Length];
        var holdFrames = (int)(options.TonalHoldSeconds / FrameSeconds);
        for (var f = 0; f < 31 + holdFrames + 200; f++)
        {
            for (var k = 0; k < Length; k++) power[k] = (float)(-noisePower * Math.Log(1 - random.NextDouble())); // exponential, like a periodogram bin
            var noteOn = f < 31; // about 0.5 s
            if (noteOn) power[1] = notePower * (float)Math.Pow(10, -0.023 * f); // decaying 14 dB/s, as the test music's notes
            memory.Step(f, power, tracker, noise);
            Assert.Equal(noisePower, noise[0]); // noise is never remembered
            // Held 0.1 s (6 frames of 16 ms) from frame 0, the note counts from frame 6; the memory then holds
            // the level it had there (its loudest as a note), falling by 1/e (4.3 dB) every TonalMemorySeconds.
            var ageSeconds = (f - 6) * FrameSeconds;
            if (f < 6) Assert.Equal(noisePower, noise[1]);
            else if (ageSeconds < options.TonalHoldSeconds - 1.5)
            {
                var expected = 10 * Math.Log10(notePower) - 0.23 * 6 - 4.3429 * ageSeconds / options.TonalMemorySeconds;
                Assert.InRange(10 * Math.Log10(noise[1]), expected - 0.01, expected + 0.01);
            }
            else if (ageSeconds > options.TonalHoldSeconds + 1.5) Assert.Equal(noisePower, noise[1]); // gone with its window
        }
    }

    [Fact]
    public void A_gliding_partial_is_not_remembered()
    {
        // Speech's harmonics move with its pitch: in one bin the level changes by more than 1 dB a frame.
        var memory = new TonalNoiseMemory(SpeechEnhancerOptions.Defaults, Length, Length, FrameSeconds);
        var tracker = Enumerable.Repeat(1e-6f, Length).ToArray();
        var power = new float[Length];
        var noise = new float[Length];
        for (var f = 0; f < 200; f++)
        {
            Array.Fill(power, 1e-6f);
            power[2] = 1e-3f * (float)Math.Pow(10, (f % 2 == 0 ? 0 : -1.5) / 10); // up and down by 1.5 dB
            memory.Step(f, power, tracker, noise);
            Assert.Equal(tracker, noise);
        }
    }

    [Fact]
    public void The_hold_must_fit_in_the_chunk_context()
    {
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { TonalHoldSeconds = 41 }.Validated());
        Assert.Throws<ArgumentException>(() => new SpeechEnhancerOptions { TonalStepDb = 0 }.Validated());
        Assert.Same(SpeechEnhancerOptions.Defaults, SpeechEnhancerOptions.Defaults.Validated());
        _ = new SpeechEnhancerOptions { TonalMemory = false, TonalHoldSeconds = 41 }.Validated(); // no memory, no bound
    }
}
