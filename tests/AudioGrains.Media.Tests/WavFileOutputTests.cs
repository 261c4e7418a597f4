using AudioGrains.Abstractions;

namespace AudioGrains.Media.Tests;

/// <summary>The in-process WAV writer gives exactly ffmpeg's bytes for the same PCM, rounding and clipping included.</summary>
public sealed class WavFileOutputTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly PcmEncoder _encoder = new(MediaFactory.Options);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(OutputFormat.Wav, 16000, 1)]
    [InlineData(OutputFormat.Wav, 44100, 2)]
    [InlineData(OutputFormat.WavS16, 16000, 1)]
    [InlineData(OutputFormat.WavS16, 48000, 2)]
    public async Task Writes_the_same_bytes_as_ffmpeg(OutputFormat format, int sampleRate, int channels)
    {
        var input = new PcmFormat(sampleRate, channels);
        var samples = Signal(frames: 12345, channels);
        var byFfmpeg = _folder.File("ffmpeg.wav");
        var byUs = _folder.File("ours.wav");
        Assert.True(WavFileOutput.CanWrite(format, input, samples.Length / channels));

        await using (var session = _encoder.Start(byFfmpeg, format, input, 1, CancellationToken.None))
        {
            await session.WriteAsync(samples, CancellationToken.None);
            await session.CompleteAsync(CancellationToken.None);
        }
        await using (var ours = WavFileOutput.Create(byUs, format, input))
        {
            await ours.WriteAsync(samples.AsMemory(0, 1000 * channels), CancellationToken.None);
            await ours.WriteAsync(samples.AsMemory(1000 * channels), CancellationToken.None);
            await ours.CompleteAsync(CancellationToken.None);
        }

        var expected = await File.ReadAllBytesAsync(byFfmpeg);
        var actual = await File.ReadAllBytesAsync(byUs);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"first difference at byte {expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count()}");
        Assert.Equal(["ffmpeg.wav", "ours.wav"], _folder.Names().Order());
    }

    [Theory]
    [InlineData(OutputFormat.Wav, 16000, 3)]
    [InlineData(OutputFormat.WavS16, 96000, 2)]
    [InlineData(OutputFormat.Flac, 16000, 1)]
    [InlineData(OutputFormat.Opus, 16000, 1)]
    public void Leaves_other_layouts_to_ffmpeg(OutputFormat format, int sampleRate, int channels) =>
        Assert.False(WavFileOutput.CanWrite(format, new PcmFormat(sampleRate, channels), 16000));

    [Fact]
    public async Task An_output_not_completed_leaves_nothing()
    {
        await using (var ours = WavFileOutput.Create(_folder.File("out.wav"), OutputFormat.WavS16, new PcmFormat(16000, 1)))
        {
            await ours.WriteAsync(Signal(100, 1), CancellationToken.None);
        }
        Assert.Empty(_folder.Names());
    }

    /// <summary>A tone, values past full scale (clipped in 16-bit), and exact half-LSB points (round half to even).</summary>
    private static float[] Signal(int frames, int channels)
    {
        var samples = new float[frames * channels];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (i % 7) switch
            {
                0 => 1.5f,
                1 => -1.25f,
                2 => (i % 2001 - 1000 + 0.5f) / 32768f,
                _ => (float)(0.8 * Math.Sin(2 * Math.PI * 440 * i / 16000.0)),
            };
        }
        return samples;
    }
}
