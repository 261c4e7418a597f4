using AudioGrains.Testing;

namespace AudioGrains.Dsp.Tests;

/// <summary>
/// Speech-enhancement test material at 16 kHz mono, made on the spot: speech from espeak-ng, and
/// three kinds of noise: coloured stationary noise (pink), a music-like signal (two voices of
/// harmonic notes that change every few hundred ms) and babble (four other espeak-ng talkers with
/// other voices, speeds and texts). Mixtures at a given SNR over the active speech.
/// </summary>
public static class SpeechMixtures
{
    public const int Rate = 16000;

    public const string TargetText =
        "The quick brown fox jumps over the lazy dog. Audio grains normalizes loudness for speech recognition. " +
        "Every chunk is processed on a different machine, and the result is the same to the last bit. " +
        "Please leave a message after the tone, and we will call you back as soon as possible. " +
        "Seven silver swans swam silently seaward at the break of day.";

    private static readonly (string Voice, int Speed, string Text)[] Talkers =
    [
        ("en+m3", 150, "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness."),
        ("en+f2", 175, "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse."),
        ("en-us+f4", 190, "All happy families are alike; each unhappy family is unhappy in its own way. Everything was in confusion."),
        ("en+m7", 135, "In a hole in the ground there lived a hobbit. Not a nasty, dirty, wet hole, filled with the ends of worms."),
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static float[]? _speech;
    private static float[]? _babble;

    /// <summary>espeak-ng's reading of <see cref="TargetText"/> (about 20 s), 0.5 s of silence before it.</summary>
    public static async Task<float[]> SpeechAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _speech ??= Delay(await EspeakAsync("en", 160, TargetText), Rate / 2);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Four talkers mixed at equal level, each looped to <paramref name="frames"/>.</summary>
    public static async Task<float[]> BabbleAsync(int frames)
    {
        await Gate.WaitAsync();
        try
        {
            if (_babble is null || _babble.Length < frames)
            {
                var mix = new double[frames];
                var offset = 0;
                foreach (var (voice, speed, text) in Talkers)
                {
                    var talker = await EspeakAsync(voice, speed, text);
                    var rms = Math.Sqrt(talker.Sum(x => (double)x * x) / talker.Length);
                    offset += Rate * 7 / 10; // talkers start at different points of their loops
                    for (var i = 0; i < frames; i++) mix[i] += talker[(i + offset) % talker.Length] / rms;
                }
                _babble = mix.Select(x => (float)x).ToArray();
            }
            return _babble[..frames];
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Pink noise (Paul Kellet's filter on seeded white noise), unit-ish level.</summary>
    public static float[] PinkNoise(int frames, int seed)
    {
        var random = new Random(seed);
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
        var x = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            var white = random.NextDouble() * 2 - 1;
            b0 = 0.99886 * b0 + white * 0.0555179;
            b1 = 0.99332 * b1 + white * 0.0750759;
            b2 = 0.96900 * b2 + white * 0.1538520;
            b3 = 0.86650 * b3 + white * 0.3104856;
            b4 = 0.55000 * b4 + white * 0.5329522;
            b5 = -0.7616 * b5 - white * 0.0168980;
            x[i] = (float)(b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362);
            b6 = white * 0.115926;
        }
        return x;
    }

    /// <summary>
    /// A music-like signal: a melody and a bass line of harmonic notes (six harmonics falling as 1/h,
    /// attack and decay) from a pentatonic scale, a new melody note every 250–500 ms, a soft
    /// tick on every beat.
    /// </summary>
    public static float[] Music(int frames, int seed)
    {
        var random = new Random(seed);
        double[] scale = [220, 246.94, 277.18, 329.63, 369.99, 440, 493.88, 554.37, 659.26];
        var x = new double[frames];
        void Note(int start, int length, double f0, double level)
        {
            for (var h = 1; h <= 6; h++)
            {
                var f = f0 * h;
                if (f > 7000) break;
                var phase = random.NextDouble() * 2 * Math.PI;
                for (var i = 0; i < length && start + i < frames; i++)
                {
                    var t = (double)i / Rate;
                    var envelope = Math.Min(1, t / 0.01) * Math.Exp(-t / 0.6);
                    x[start + i] += level / h * envelope * Math.Sin(2 * Math.PI * f * t + phase);
                }
            }
        }
        for (var at = 0; at < frames;)
        {
            var length = Rate / 4 * random.Next(1, 3);
            Note(at, length + Rate / 10, scale[random.Next(scale.Length)], 1.0);
            at += length;
        }
        for (var at = 0; at < frames; at += Rate)
            Note(at, Rate + Rate / 10, scale[random.Next(4)] / 2, 0.8);
        return x.Select(v => (float)v).ToArray();
    }

    /// <summary>speech + noise·g with g chosen so that the speech's active power over the noise's mean power is <paramref name="snrDb"/>.</summary>
    public static float[] Mix(float[] speech, float[] noise, double snrDb)
    {
        var noisePower = noise.Take(speech.Length).Sum(v => (double)v * v) / speech.Length;
        var g = Math.Sqrt(ActivePower(speech) / noisePower / Math.Pow(10, snrDb / 10));
        var mix = new float[speech.Length];
        for (var i = 0; i < mix.Length; i++) mix[i] = (float)(speech[i] + g * noise[i]);
        return mix;
    }

    /// <summary>Mean power of the 100 ms frames within 30 dB of the loudest one (the active speech).</summary>
    public static double ActivePower(float[] x)
    {
        var frames = Enumerable.Range(0, x.Length / 1600).Select(f => x.AsSpan(f * 1600, 1600).ToArray().Sum(v => (double)v * v) / 1600).ToList();
        var max = frames.Max();
        var active = frames.Where(e => e > max / 1000).ToList();
        return active.Average();
    }

    private static float[] Delay(float[] x, int frames) => [.. new float[frames], .. x];

    /// <summary>espeak-ng at 16 kHz mono float.</summary>
    private static async Task<float[]> EspeakAsync(string voice, int speed, string text)
    {
        using var dir = new TempFolder();
        var raw = dir.File("raw.wav");
        var wav = dir.File("speech.wav");
        await ProcessRunner.RunCheckedAsync("espeak-ng", ["-v", voice, "-s", speed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", raw, text]);
        await ProcessRunner.RunCheckedAsync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", raw, "-ar", "16000", "-ac", "1", "-c:a", "pcm_f32le", wav]);
        return WavFile.Read(wav).Samples;
    }
}
