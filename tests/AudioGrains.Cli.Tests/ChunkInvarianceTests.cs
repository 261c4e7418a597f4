using AudioGrains.Testing;

namespace AudioGrains.Cli.Tests;

/// <summary>The chunk size is an implementation detail: output samples are identical for 5, 30 and 600 s chunks.</summary>
public sealed class ChunkInvarianceTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public static TheoryData<string> Inputs => ["speech", "click-at-seam", "mp3", "aac"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Output_samples_are_identical_whatever_the_chunk_size(string kind)
    {
        var input = kind switch
        {
            "speech" => await TestAudio.SpeechAsync(_dir.File("speech.wav"), 68),
            // A full-scale click exactly on the 5 s boundary (sample 240000 at 48 kHz = 80000 at 16 kHz).
            "click-at-seam" => await TestAudio.LavfiAsync(_dir.File("click.wav"),
                "aevalsrc='0.05*sin(2*PI*440*t)+0.02*(random(0)-0.5)+0.95*eq(n,240000)':s=48000:d=40"),
            "mp3" => await TestAudio.EncodeAsync(await TestAudio.MusicAsync(_dir.File("m.wav"), 68), _dir.File("music.mp3"), "-c:a", "libmp3lame", "-b:a", "128k"),
            _ => await TestAudio.EncodeAsync(await TestAudio.MusicAsync(_dir.File("m.wav"), 68), _dir.File("music.m4a"), "-c:a", "aac", "-b:a", "96k"),
        };

        var outputs = new List<WavFile>();
        foreach (var seconds in new[] { "5", "30", "600" })
        {
            var output = _dir.File($"out-{seconds}.wav");
            var report = await CliProcess.JsonAsync("normalize", input, "-o", output, "--format", "wav", "--chunk-seconds", seconds);
            Assert.Equal(seconds == "5" ? (kind == "click-at-seam" ? 8 : 14) : seconds == "30" ? (kind == "click-at-seam" ? 2 : 3) : 1,
                report.GetProperty("chunks").GetInt32());
            outputs.Add(WavFile.Read(output));
        }

        Assert.True(outputs[0].Samples.Length > 16000 * 30);
        for (var i = 1; i < outputs.Count; i++)
        {
            Assert.Equal(outputs[0].Samples.Length, outputs[i].Samples.Length);
            var firstDifference = FirstDifference(outputs[0].Samples, outputs[i].Samples);
            Assert.True(firstDifference < 0, $"chunked outputs differ first at sample {firstDifference}");
        }
    }

    [Fact]
    public async Task Opus_output_is_one_sequential_encode_whatever_the_chunks_and_segments()
    {
        var input = await TestAudio.SpeechAsync(_dir.File("speech.wav"), 50);
        // 8 s segments: 5 s chunks give 2 chunks per segment, 7 segments, so the output is joined at 6 seams.
        var segmented = new Dictionary<string, string> { ["AudioGrains__Processing__EncodeSegmentSeconds"] = "8" };
        var files = new List<byte[]>();
        foreach (var seconds in new[] { "5", "30", "600" })
        {
            var output = _dir.File($"out-{seconds}.opus");
            var report = await CliProcess.JsonWithAsync(segmented, "normalize", input, "-o", output, "--chunk-seconds", seconds);
            Assert.True(report.GetProperty("steps_s").TryGetProperty("encode", out _), "the chunks did not encode");
            files.Add(await File.ReadAllBytesAsync(output));

            // The output's report, merged from the segments' own decodes, is what measuring the whole file gives.
            var reported = report.GetProperty("output");
            var measured = await CliProcess.JsonAsync("measure", output);
            Assert.Equal(16000, reported.GetProperty("sample_rate").GetInt32()); // encoded at 16 kHz, though Opus decodes at 48
            foreach (var name in new[] { "duration_s", "integrated_lufs", "lra_lu", "true_peak_dbtp", "sample_peak_dbfs" })
                Assert.Equal(measured.Number(name), reported.Number(name));
        }
        Assert.Equal(files[0], files[1]);
        Assert.Equal(files[0], files[2]);

        // The same processed samples through one ffmpeg run with the encoder's settings decode to the same samples.
        var wav = _dir.File("processed.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", wav, "--chunk-seconds", "5");
        var sequential = _dir.File("sequential.opus");
        await ProcessRunner.RunCheckedAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", wav,
            "-c:a", "libopus", "-b:a", "64k", "-vbr", "off", "-application", "audio", "-frame_duration", "20", "-compression_level", "10", sequential]);
        Assert.Equal(await DecodeAsync(sequential), await DecodeAsync(_dir.File("out-5.opus")));
    }

    private async Task<byte[]> DecodeAsync(string path)
    {
        var raw = path + ".f32";
        await ProcessRunner.RunCheckedAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", path, "-f", "f32le", raw]);
        return await File.ReadAllBytesAsync(raw);
    }

    [Fact]
    public async Task High_pass_output_is_identical_whatever_the_chunk_size()
    {
        var input = await TestAudio.LavfiAsync(_dir.File("hum.wav"),
            "aevalsrc='0.3*sin(2*PI*50*t)+0.1*sin(2*PI*1000*t)+0.01*(random(0)-0.5)':s=16000:d=40");
        var a = _dir.File("a.wav");
        var b = _dir.File("b.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", a, "--highpass", "80", "--chunk-seconds", "5");
        await CliProcess.JsonAsync("normalize", input, "-o", b, "--highpass", "80", "--chunk-seconds", "600");
        var x = WavFile.Read(a).Samples;
        var y = WavFile.Read(b).Samples;
        Assert.Equal(x.Length, y.Length);
        // IIR pre-roll settles to ~1e-16 relative; float32 rounding hides it, bar a rare last-bit tie.
        var maxDiff = x.Zip(y, (p, q) => Math.Abs(p - q)).Max();
        Assert.True(maxDiff <= 1.2e-7f, $"max difference {maxDiff}");
    }

    private static long FirstDifference(float[] a, float[] b)
    {
        for (var i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) return i;
        return -1;
    }

    public void Dispose() => _dir.Dispose();
}
