using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cli.Tests;

/// <summary>Voice isolation keeps the speech band and drops rumble and hiss outside it.</summary>
public sealed class VoiceIsolationTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _dir = new();

    [Fact]
    public async Task Rumble_and_hiss_drop_20_dB_while_the_speech_band_stays_within_1_dB()
    {
        var speech = await TestAudio.SpeechAsync(_dir.File("speech22.wav"), 20, noiseAmplitude: 0);
        // At 16 kHz: a 40 Hz rumble and a hiss band-limited to 7.75-8 kHz, both outside 80-7600 Hz.
        var input = _dir.File("input.wav");
        await ProcessRunner.RunCheckedAsync("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-y", "-i", speech,
            "-f", "lavfi", "-i", "aevalsrc='0.1*sin(2*PI*40*t)':s=16000:d=20",
            "-f", "lavfi", "-i", "anoisesrc=color=white:amplitude=0.3:sample_rate=16000:seed=9:duration=20,highpass=f=7750:poles=2,highpass=f=7750:poles=2,highpass=f=7750:poles=2",
            "-filter_complex", "[0:a]aresample=16000[s];[s][1:a][2:a]amix=inputs=3:duration=first:normalize=0",
            "-ar", "16000", "-ac", "1", "-c:a", "pcm_f32le", input,
        ]);
        var result = _dir.File("isolated.wav");
        var report = await CliProcess.JsonAsync("normalize", input, "-o", result, "--isolate-voice", "--normalize-volume", "off");
        Assert.True(report.GetProperty("applied").GetProperty("isolate_voice").GetBoolean());

        var rumble = await Drop(input, result, null, 60);
        var hiss = await Drop(input, result, 7750, null);
        var speechBand = await Drop(input, result, 200, 3400);
        output.WriteLine($"rumble {rumble:F1} dB, hiss {hiss:F1} dB, speech band {speechBand:+0.00;-0.00} dB");
        Assert.True(rumble <= -20, $"rumble changed by {rumble:F1} dB");
        Assert.True(hiss <= -20, $"hiss changed by {hiss:F1} dB");
        Assert.InRange(speechBand, -1, 1);
    }

    [Fact]
    public async Task From_stereo_to_mono_the_centre_survives_and_a_hard_panned_side_drops()
    {
        // A centre-panned 300 Hz tone (both channels) and a 1 kHz tone in the left channel only.
        var input = await TestAudio.LavfiAsync(_dir.File("stereo.wav"),
            "aevalsrc='0.2*sin(2*PI*300*t)+0.2*sin(2*PI*1000*t)|0.2*sin(2*PI*300*t)':s=16000:d=10", "-c:a", "pcm_f32le");
        var plain = _dir.File("plain.wav");
        var isolated = _dir.File("isolated.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", plain, "--normalize-volume", "off");
        var report = await CliProcess.JsonAsync("normalize", input, "-o", isolated, "--isolate-voice", "--normalize-volume", "off");
        Assert.Equal(1, report.GetProperty("output").GetProperty("channels").GetInt32());

        var centre = await BandLevel.RmsDbAsync(isolated, 200, 450, 1, 9) - await BandLevel.RmsDbAsync(plain, 200, 450, 1, 9);
        var side = await BandLevel.RmsDbAsync(isolated, 700, 1500, 1, 9) - await BandLevel.RmsDbAsync(plain, 700, 1500, 1, 9);
        output.WriteLine($"centre tone {centre:+0.00;-0.00} dB, left-only tone {side:F1} dB against a plain downmix");
        Assert.InRange(centre, -1, 1);
        Assert.True(side <= -15, $"the hard-panned tone changed by only {side:F1} dB");
    }

    private static async Task<double> Drop(string before, string after, double? low, double? high) =>
        await BandLevel.RmsDbAsync(after, low, high) - await BandLevel.RmsDbAsync(before, low, high);

    public void Dispose() => _dir.Dispose();
}
