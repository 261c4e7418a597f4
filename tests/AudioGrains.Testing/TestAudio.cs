using System.Globalization;

namespace AudioGrains.Testing;

/// <summary>
/// Test signals made on the spot with ffmpeg's lavfi sources and espeak-ng; nothing is downloaded.
/// Each method writes one file and returns its path.
/// </summary>
public static class TestAudio
{
    public static string Ffmpeg => "ffmpeg";

    /// <summary>Runs ffmpeg with a lavfi filter graph as input and the given output options.</summary>
    public static async Task<string> LavfiAsync(string path, string graph, params string[] outputOptions)
    {
        await ProcessRunner.RunCheckedAsync(Ffmpeg,
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-filter_threads", "1", "-f", "lavfi", "-i", graph, .. outputOptions, path]);
        return path;
    }

    /// <summary>Pink noise at a level, mono, 48 kHz.</summary>
    public static Task<string> NoiseAsync(string path, double seconds, double amplitude = 0.2) =>
        LavfiAsync(path, F($"anoisesrc=color=pink:amplitude={amplitude}:sample_rate=48000:seed=7:duration={seconds}"));

    /// <summary>A chord with slow tremolo and a beat: tonal, dynamic, stereo 44.1 kHz.</summary>
    public static Task<string> MusicAsync(string path, double seconds, double gain = 0.25) =>
        LavfiAsync(path, F($"aevalsrc='{gain}*(sin(2*PI*220*t)+0.6*sin(2*PI*277.18*t)+0.5*sin(2*PI*329.63*t))*(0.6+0.4*sin(2*PI*0.5*t))*(0.7+0.3*lt(mod(t,0.5),0.1))|{gain}*(sin(2*PI*220*t+0.3)+0.6*sin(2*PI*329.63*t))*(0.6+0.4*cos(2*PI*0.5*t))':s=44100:d={seconds}"));

    /// <summary>A sine tone, mono.</summary>
    public static Task<string> ToneAsync(string path, double seconds, double frequency, double amplitude, int sampleRate = 48000) =>
        LavfiAsync(path, F($"aevalsrc='{amplitude}*sin(2*PI*{frequency}*t)':s={sampleRate}:d={seconds}"));

    /// <summary>
    /// Speech from espeak-ng (several sentences, repeated to the length asked), with a little noise, 22.05 kHz mono WAV.
    /// Falls back to a syllable-like modulated tone where espeak-ng is missing, so the suite still runs.
    /// </summary>
    public static async Task<string> SpeechAsync(string path, double seconds, double noiseAmplitude = 0.01)
    {
        var dir = Path.GetDirectoryName(path)!;
        var raw = Path.Combine(dir, Path.GetFileNameWithoutExtension(path) + ".espeak.wav");
        const string text = "The quick brown fox jumps over the lazy dog. Audio grains normalizes loudness for speech recognition. " +
                            "Every chunk is processed on a different machine, and the result is the same to the last bit. " +
                            "Please leave a message after the tone, and we will call you back as soon as possible.";
        bool haveEspeak;
        try
        {
            haveEspeak = (await ProcessRunner.RunAsync("espeak-ng", ["-w", raw, "-s", "160", text], TimeSpan.FromMinutes(1))).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            haveEspeak = false;
        }
        if (!haveEspeak)
            return await LavfiAsync(path, F($"aevalsrc='0.3*sin(2*PI*(140+40*sin(2*PI*3*t))*t)*(sin(2*PI*4*t)>0)+{noiseAmplitude}*(random(0)-0.5)':s=22050:d={seconds}"));
        await ProcessRunner.RunCheckedAsync(Ffmpeg,
        [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", raw,
            "-f", "lavfi", "-i", F($"anoisesrc=color=brown:amplitude={noiseAmplitude}:sample_rate=22050:seed=3"),
            "-filter_complex", "[0:a]aresample=22050[s];[s][1:a]amix=inputs=2:duration=first:normalize=0",
            "-t", F($"{seconds}"), "-ac", "1", "-ar", "22050", path,
        ]);
        File.Delete(raw);
        return path;
    }

    /// <summary>Re-encodes a file (to MP3, AAC, ...) by its extension, with extra options.</summary>
    public static async Task<string> EncodeAsync(string input, string output, params string[] options)
    {
        await ProcessRunner.RunCheckedAsync(Ffmpeg, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", input, .. options, output]);
        return output;
    }

    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
