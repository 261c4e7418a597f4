using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cli.Tests;

/// <summary>Spectral-gating noise reduction end to end: seamless across chunks, and it removes noise, not speech.</summary>
public sealed class NoiseReductionTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    [Theory]
    [InlineData("defaults")]
    [InlineData("unsmoothed")]
    public async Task Stationary_output_is_identical_whatever_the_chunk_size(string settings)
    {
        var input = await NoisySpeechAsync(68);
        string[] extra = settings == "unsmoothed" ? ["--denoise-threshold-std", "2", "--denoise-freq-smooth-hz", "0", "--denoise-time-smooth-ms", "0"] : [];
        var outputs = new List<float[]>();
        foreach (var seconds in new[] { "5", "30", "600" })
        {
            var path = _dir.File($"out-{seconds}.wav");
            var report = await CliProcess.JsonAsync(["normalize", input, "-o", path, "--denoise", "stationary", "--chunk-seconds", seconds, .. extra]);
            Assert.Equal("stationary", report.GetProperty("applied").GetProperty("denoise").GetString());
            outputs.Add(WavFile.Read(path).Samples);
        }
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
    }

    [Fact]
    public async Task Non_stationary_chunked_output_is_within_90_dB_of_the_whole_file_everywhere()
    {
        var input = await NoisySpeechAsync(60);
        var chunked = _dir.File("chunked.wav");
        var whole = _dir.File("whole.wav");
        // 4.8 s is a whole number of 0.4 s grid steps (100 ms segments and 256-sample hops at 16 kHz), so seams fall every 76 800 samples.
        await CliProcess.JsonAsync("normalize", input, "-o", chunked, "--denoise", "nonstationary", "--chunk-seconds", "4.8");
        await CliProcess.JsonAsync("normalize", input, "-o", whole, "--denoise", "nonstationary", "--chunk-seconds", "600");
        var snr = SeamSnr.ByDistance(WavFile.Read(whole).Samples, WavFile.Read(chunked).Samples, 16000, 76800);
        foreach (var (bin, db) in snr) output.WriteLine($"non-stationary seam SNR {bin}: {db:F1} dB");
        Assert.All(snr, kv => Assert.True(kv.Value >= 90, $"{kv.Key}: {kv.Value:F1} dB"));
    }

    [Fact]
    public async Task Speech_output_does_not_depend_on_the_chunk_size()
    {
        // Chunks of 5 s (4.8 s on the 0.4 s grid: 76 800 samples), 30 s and 600 s (one chunk: the whole-file pass).
        var input = await NoisySpeechAsync(68);
        var outputs = new Dictionary<string, float[]>();
        foreach (var seconds in new[] { "5", "30", "600" })
        {
            var path = _dir.File($"speech-{seconds}.wav");
            var report = await CliProcess.JsonAsync("normalize", input, "-o", path, "--denoise", "speech", "--chunk-seconds", seconds);
            Assert.Equal("speech", report.GetProperty("applied").GetProperty("denoise").GetString());
            outputs[seconds] = WavFile.Read(path).Samples;
        }
        foreach (var (seconds, chunkFrames) in new[] { ("5", 76800L), ("30", 480000L) })
        {
            var differing = outputs[seconds].Zip(outputs["600"]).Count(p => p.First != p.Second);
            var snr = SeamSnr.ByDistance(outputs["600"], outputs[seconds], 16000, chunkFrames);
            output.WriteLine($"speech, {seconds} s chunks against one chunk: {differing} of {outputs["600"].Length} samples differ; " +
                             string.Join(", ", snr.Select(kv => $"{kv.Key} {kv.Value:F1} dB")));
            Assert.All(snr, kv => Assert.True(kv.Value >= 90, $"{seconds} s chunks, {kv.Key}: {kv.Value:F1} dB"));
        }
    }

    [Fact]
    public async Task Speech_output_at_48_kHz_does_not_depend_on_the_chunk_size()
    {
        // At 48 kHz the estimator runs 4096-point frames every 1024 samples (its 64 ms / 16 ms at 16 kHz, to the nearest
        // power of two), so chunks lie on lcm(4800, 1024) = 76 800 frames: 5 s is 3 of them, 230 400 samples.
        var input = await NoisySpeechAsync(68);
        var outputs = new Dictionary<string, float[]>();
        foreach (var seconds in new[] { "5", "600" })
        {
            var path = _dir.File($"speech48-{seconds}.wav");
            var report = await CliProcess.JsonAsync("normalize", input, "-o", path, "--denoise", "speech", "--sample-rate", "48000", "--chunk-seconds", seconds);
            Assert.Equal(48000, report.GetProperty("output").GetProperty("sample_rate").GetInt32());
            outputs[seconds] = WavFile.Read(path).Samples;
        }
        var snr = SeamSnr.ByDistance(outputs["600"], outputs["5"], 48000, 230400);
        output.WriteLine("speech at 48 kHz, 5 s chunks against one chunk: " + string.Join(", ", snr.Select(kv => $"{kv.Key} {kv.Value:F1} dB")));
        Assert.All(snr, kv => Assert.True(kv.Value >= 90, $"{kv.Key}: {kv.Value:F1} dB"));
    }

    [Fact]
    public async Task Stationary_mode_lifts_speech_over_pauses()
    {
        // Clean speech after 3 s of silence, then stationary pink-ish noise mixed in at 5 dB SNR over the speech;
        // the first 3 s (noise only) are the noise clip the profile is taken from.
        var clean = await TestAudio.SpeechAsync(_dir.File("clean22.wav"), 30, noiseAmplitude: 0);
        var clean16 = await TestAudio.EncodeAsync(clean, _dir.File("clean.wav"), "-af", "adelay=3000:all=1", "-ar", "16000", "-ac", "1", "-c:a", "pcm_f32le");
        var speech = WavFile.Read(clean16).Samples;
        var noise = NoiseAt(speech, snrDb: 5);
        var mixture = speech.Zip(noise, (s, n) => s + n).ToArray();
        var mixturePath = WriteWav(_dir.File("mixture.wav"), mixture);

        var (speechFrames, pauseFrames) = Activity(speech);
        var ratioBefore = Db(Energy(mixture, speechFrames) / Energy(mixture, pauseFrames));

        async Task<(double Gain, double Speech, double VsInput)> DenoiseAsync(string name, params string[] extra)
        {
            var outputPath = _dir.File($"{name}.wav");
            var report = await CliProcess.JsonAsync(["normalize", mixturePath, "-o", outputPath, "--denoise", "stationary", "--noise-clip", "0-3", .. extra]);
            var gain = Math.Pow(10, report.Number("gain_db") / 20);
            var denoised = WavFile.Read(outputPath).Samples.Select(x => (float)(x / gain)).ToArray();
            var ratioAfter = Db(Energy(denoised, speechFrames) / Energy(denoised, pauseFrames));
            var change = Db(Energy(denoised, speechFrames) / Energy(speech, speechFrames));
            var vsInput = Db(Energy(denoised, speechFrames) / Energy(mixture, speechFrames));
            output.WriteLine($"{name}: speech-to-pause ratio {ratioBefore:F1} dB -> {ratioAfter:F1} dB ({ratioAfter - ratioBefore:+0.0;-0.0}); " +
                             $"speech segments vs clean speech {change:+0.00;-0.00} dB, vs the noisy input {vsInput:+0.00;-0.00} dB");
            return (ratioAfter - ratioBefore, change, vsInput);
        }

        // The Python service's noisereduce parameters: the ±250 Hz triangle dilutes the mask at the
        // harmonics (measured +8.2 dB and -4.29 dB; a literal port of noisereduce 3.0.3 gives the same).
        var faithful = await DenoiseAsync("defaults");
        Assert.InRange(faithful.Gain, 7.7, 8.7);
        Assert.InRange(faithful.Speech, -4.8, -3.8);

        // Issue 3: noisereduce without mask smoothing (freq_mask_smooth_hz/time_mask_smooth_ms at one
        // bin and one hop, or 0) and n_std_thresh_stationary 2: +11.7 dB, -0.48 dB.
        var unsmoothed = await DenoiseAsync("unsmoothed", "--denoise-threshold-std", "2", "--denoise-freq-smooth-hz", "0", "--denoise-time-smooth-ms", "0");
        Assert.True(unsmoothed.Gain >= 10, $"speech-to-pause ratio rose by only {unsmoothed.Gain:F1} dB");
        Assert.True(Math.Abs(unsmoothed.Speech) < 1.5, $"speech segments changed by {unsmoothed.Speech:F2} dB");

        // For comparison only: ffmpeg's afftdn with its defaults on the same mixture.
        var afftdn = _dir.File("afftdn.wav");
        await ProcessRunner.RunCheckedAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", mixturePath, "-af", "afftdn", "-c:a", "pcm_f32le", afftdn]);
        var other = WavFile.Read(afftdn).Samples;
        output.WriteLine($"ffmpeg afftdn (defaults): speech-to-pause {ratioBefore:F1} dB -> {Db(Energy(other, speechFrames) / Energy(other, pauseFrames)):F1} dB, " +
                         $"speech segments {Db(Energy(other, speechFrames) / Energy(speech, speechFrames)):+0.00;-0.00} dB vs clean speech");
    }

    [Fact]
    public async Task A_separate_noise_recording_sets_the_profile()
    {
        // Tone bursts in stationary noise; the noise recording is the same kind of noise, another seed.
        var input = await TestAudio.LavfiAsync(_dir.File("bursts.wav"),
            "aevalsrc='0.3*sin(2*PI*700*t)*lt(mod(t,4),2)+0.02*(random(0)-0.5)':s=16000:d=20", "-c:a", "pcm_f32le");
        var noise = await TestAudio.LavfiAsync(_dir.File("room.wav"), "aevalsrc='0.02*(random(1)-0.5)':s=16000:d=5", "-c:a", "pcm_f32le");
        var result = _dir.File("out.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", result, "--denoise", "stationary", "--noise-file", noise, "--normalize-volume", "off");

        var pause = await BandLevel.RmsDbAsync(result, null, null, 2.5, 3.5) - await BandLevel.RmsDbAsync(input, null, null, 2.5, 3.5);
        output.WriteLine($"noise-only region {pause:F1} dB (strength 0.8 is -14 dB)");
        Assert.InRange(pause, -15.5, -10);
    }

    private async Task<string> NoisySpeechAsync(double seconds)
    {
        var speech = await TestAudio.SpeechAsync(_dir.File("speech22.wav"), seconds, noiseAmplitude: 0);
        return await ProcessRunner.RunCheckedAsync("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-y", "-i", speech,
            "-f", "lavfi", "-i", TestAudio.F($"anoisesrc=color=pink:amplitude=0.03:sample_rate=22050:seed=11:duration={seconds}"),
            "-filter_complex", "amix=inputs=2:duration=first:normalize=0", "-ar", "16000", "-ac", "1", "-c:a", "pcm_f32le", _dir.File("noisy.wav"),
        ]).ContinueWith(_ => _dir.File("noisy.wav"));
    }

    /// <summary>Seeded pink-ish noise (white through a one-pole low-pass) scaled to the given SNR over the speech frames.</summary>
    private static float[] NoiseAt(float[] speech, double snrDb)
    {
        var random = new Random(5);
        var noise = new double[speech.Length];
        double state = 0;
        for (var i = 0; i < noise.Length; i++)
        {
            state = 0.9 * state + 0.1 * (random.NextDouble() * 2 - 1);
            noise[i] = state;
        }
        var (speechFrames, _) = Activity(speech);
        var speechPower = Energy(speech, speechFrames) / speechFrames.Count;
        var noisePower = noise.Sum(x => x * x) / (noise.Length / 1600.0);
        var scale = Math.Sqrt(speechPower / noisePower / Math.Pow(10, snrDb / 10));
        return noise.Select(x => (float)(x * scale)).ToArray();
    }

    /// <summary>100 ms frames of the clean speech: speech within 20 dB of its loudest frame, pauses 50 dB below it.</summary>
    private static (List<int> Speech, List<int> Pause) Activity(float[] clean)
    {
        var energies = Enumerable.Range(0, clean.Length / 1600).Select(f => Energy(clean, [f])).ToList();
        var max = energies.Max();
        var speech = energies.Select((e, i) => (e, i)).Where(x => x.e > max / 100).Select(x => x.i).ToList();
        var pause = energies.Select((e, i) => (e, i)).Where(x => x.e < max / 100_000).Select(x => x.i).ToList();
        Assert.True(speech.Count > 20 && pause.Count > 5, $"{speech.Count} speech and {pause.Count} pause frames");
        return (speech, pause);
    }

    private static double Energy(float[] x, IEnumerable<int> frames)
    {
        double sum = 0;
        foreach (var f in frames)
            for (var n = f * 1600; n < Math.Min(x.Length, (f + 1) * 1600); n++) sum += (double)x[n] * x[n];
        return sum;
    }

    private static double Db(double ratio) => 10 * Math.Log10(ratio);

    private static string WriteWav(string path, float[] samples)
    {
        var raw = path + ".f32";
        File.WriteAllBytes(raw, System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());
        ProcessRunner.RunCheckedAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "f32le", "-ar", "16000", "-ac", "1", "-i", raw, "-c:a", "pcm_f32le", path]).GetAwaiter().GetResult();
        File.Delete(raw);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
