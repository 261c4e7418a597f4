using AudioGrains.Abstractions;

namespace AudioGrains.Media.Tests;

public sealed class PcmEncoderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly PcmEncoder _encoder = new(MediaFactory.Options);
    private readonly MediaProbe _probe = new(MediaFactory.Options);
    private readonly PcmDecoder _decoder = new(MediaFactory.Options);

    public void Dispose() => _folder.Dispose();

    public static TheoryData<OutputFormat, int, int> Formats()
    {
        var data = new TheoryData<OutputFormat, int, int>();
        foreach (var format in Enum.GetValues<OutputFormat>())
        {
            data.Add(format, 16000, 1);
            data.Add(format, 44100, 2);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Round_trips_every_format(OutputFormat format, int sampleRate, int channels)
    {
        var input = new PcmFormat(sampleRate, channels);
        var samples = Signal(input, seconds: 1.5);
        var path = _folder.File("out" + OutputFormats.Extension(format));

        await EncodeAsync(path, format, input, samples);

        Assert.Equal(["out" + OutputFormats.Extension(format)], _folder.Names());
        var info = await _probe.ProbeAsync(path, new MediaLimits(), CancellationToken.None);
        var decoded = new List<float>();
        var frames = await _decoder.StreamNativeAsync(path, info, b => decoded.AddRange(b.ToArray()), CancellationToken.None);
        Assert.Equal(channels, info.Channels);
        switch (format)
        {
            case OutputFormat.Wav:
                Assert.Equal("pcm_f32le", info.AudioCodec);
                Assert.Equal(samples, decoded);
                break;
            case OutputFormat.WavS16 or OutputFormat.Flac:
                Assert.Equal(format == OutputFormat.Flac ? "flac" : "pcm_s16le", info.AudioCodec);
                Assert.Equal(samples.Length, decoded.Count);
                var worst = samples.Zip(decoded, (a, b) => Math.Abs(a - b)).Max();
                Assert.True(worst <= 1.0 / 32768, $"worst error {worst * 32768} LSB");
                break;
            default:
                Assert.Equal(format == OutputFormat.Mp3 ? "mp3" : "opus", info.AudioCodec);
                var seconds = (double)frames / info.SampleRate;
                Assert.InRange(seconds, 1.5 - 0.1, 1.5 + 0.1);
                // A lossy codec keeps the level of a plain tone.
                Assert.InRange(MediaFactory.RmsDb(decoded.ToArray()), MediaFactory.RmsDb(samples) - 0.5, MediaFactory.RmsDb(samples) + 0.5);
                break;
        }
        // Opus always decodes at 48 kHz, whatever rate it was fed (the encoder took 16 kHz as is, 44.1 kHz resampled).
        var expectedRate = format is OutputFormat.Opus or OutputFormat.WebM ? 48000 : sampleRate;
        Assert.Equal(expectedRate, info.SampleRate);
    }

    [Theory]
    [InlineData(OutputFormat.Wav)]
    [InlineData(OutputFormat.WavS16)]
    [InlineData(OutputFormat.Flac)]
    [InlineData(OutputFormat.Opus)]
    [InlineData(OutputFormat.WebM)]
    [InlineData(OutputFormat.Mp3)]
    public async Task Identical_pcm_gives_identical_bytes(OutputFormat format)
    {
        var input = new PcmFormat(16000, 1);
        var samples = Signal(input, seconds: 1);
        var first = _folder.File("first" + OutputFormats.Extension(format));
        var second = _folder.File("second" + OutputFormats.Extension(format));

        await EncodeAsync(first, format, input, samples);
        await EncodeAsync(second, format, input, samples);

        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
    }

    [Fact]
    public async Task Mp3_downmixes_more_than_two_channels_to_stereo()
    {
        var input = new PcmFormat(48000, 6);
        var path = _folder.File("surround.mp3");

        await EncodeAsync(path, OutputFormat.Mp3, input, Signal(input, seconds: 0.5));

        var info = await _probe.ProbeAsync(path, new MediaLimits(), CancellationToken.None);
        Assert.Equal(2, info.Channels);
    }

    [Fact]
    public void Refuses_more_channels_than_a_format_holds()
    {
        var error = Assert.Throws<AudioGrainsException>(() =>
            _encoder.Start(_folder.File("wide.opus"), OutputFormat.Opus, new PcmFormat(48000, 9), 1, CancellationToken.None));

        Assert.Equal(ErrorCodes.InvalidOptions, error.Code);
        Assert.Empty(_folder.Names());
    }

    [Fact]
    public async Task Disposing_an_unfinished_session_kills_ffmpeg_and_leaves_nothing()
    {
        var input = new PcmFormat(16000, 1);
        int? pid;
        await using (var session = _encoder.Start(_folder.File("out.flac"), OutputFormat.Flac, input, 10, CancellationToken.None))
        {
            await session.WriteAsync(Signal(input, 0.5), CancellationToken.None);
            pid = ChildProcesses.FindByArgument(_folder.Path);
        }

        Assert.NotNull(pid);
        Assert.True(ChildProcesses.IsGone(pid.Value), $"ffmpeg {pid} is still there");
        Assert.Empty(_folder.Names());
    }

    [Fact]
    public async Task A_session_out_of_time_is_a_timeout_and_leaves_nothing()
    {
        var encoder = new PcmEncoder(MediaFactory.Options with { MinimumTimeout = TimeSpan.FromSeconds(1), TimeoutSecondsPerMediaSecond = 0 });
        var input = new PcmFormat(16000, 1);
        await using (var session = encoder.Start(_folder.File("out.wav"), OutputFormat.Wav, input, 1, CancellationToken.None))
        {
            var pid = ChildProcesses.FindByArgument(_folder.Path);
            await Task.Delay(1500);

            var error = await Assert.ThrowsAsync<AudioGrainsException>(async () =>
                await session.WriteAsync(Signal(input, 0.5), CancellationToken.None));

            Assert.Equal(ErrorCodes.Timeout, error.Code);
            Assert.Contains("\"out.wav\"", error.Message, StringComparison.Ordinal);
            Assert.NotNull(pid);
            Assert.True(ChildProcesses.IsGone(pid.Value), $"ffmpeg {pid} is still there");
            await Assert.ThrowsAsync<InvalidOperationException>(() => session.CompleteAsync(CancellationToken.None));
        }
        Assert.Empty(_folder.Names());
    }

    [Fact]
    public async Task A_session_whose_ffmpeg_dies_fails_with_an_error_code_and_leaves_nothing()
    {
        var input = new PcmFormat(16000, 1);
        await using (var session = _encoder.Start(_folder.File("out.flac"), OutputFormat.Flac, input, 10, CancellationToken.None))
        {
            await session.WriteAsync(Signal(input, 0.5), CancellationToken.None);
            var pid = ChildProcesses.FindByArgument(_folder.Path);
            Assert.NotNull(pid);
            using (var ffmpeg = System.Diagnostics.Process.GetProcessById(pid.Value))
            {
                ffmpeg.Kill();
                await ffmpeg.WaitForExitAsync();
            }

            var error = await Assert.ThrowsAsync<AudioGrainsException>(async () =>
            {
                for (var i = 0; i < 100; i++) await session.WriteAsync(Signal(input, 1), CancellationToken.None);
            });

            Assert.Equal(ErrorCodes.ProcessingFailed, error.Code);
        }
        Assert.Empty(_folder.Names());
    }

    [Fact]
    public async Task Cancelled_write_throws_operation_cancelled()
    {
        var input = new PcmFormat(16000, 1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await using (var session = _encoder.Start(_folder.File("out.mp3"), OutputFormat.Mp3, input, 1, CancellationToken.None))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                await session.WriteAsync(Signal(input, 0.5), cancelled.Token));
        }
        Assert.Empty(_folder.Names());
    }

    [Fact]
    public async Task Writes_must_be_whole_frames()
    {
        var input = new PcmFormat(16000, 2);
        await using var session = _encoder.Start(_folder.File("out.wav"), OutputFormat.Wav, input, 1, CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentException>(async () => await session.WriteAsync(new float[3], CancellationToken.None));
    }

    /// <summary>Writes in uneven pieces, one of them larger than the session's buffer.</summary>
    private async Task EncodeAsync(string path, OutputFormat format, PcmFormat input, float[] samples)
    {
        var seconds = (double)samples.Length / input.Channels / input.SampleRate;
        await using var session = _encoder.Start(path, format, input, seconds, CancellationToken.None);
        var small = 1000 * input.Channels;
        await session.WriteAsync(samples.AsMemory(0, small), CancellationToken.None);
        await session.WriteAsync(samples.AsMemory(small), CancellationToken.None);
        await session.CompleteAsync(CancellationToken.None);
        Assert.Equal(samples.Length / input.Channels, session.FramesWritten);
    }

    /// <summary>A 440 Hz tone at half scale with a little deterministic noise, a different phase per channel.</summary>
    private static float[] Signal(PcmFormat format, double seconds)
    {
        var frames = (int)(format.SampleRate * seconds);
        var random = new Random(7);
        var samples = new float[frames * format.Channels];
        for (var i = 0; i < frames; i++)
        {
            for (var c = 0; c < format.Channels; c++)
            {
                var t = (double)i / format.SampleRate;
                samples[i * format.Channels + c] = (float)(0.5 * Math.Sin(2 * Math.PI * 440 * t + c) + 0.01 * (random.NextDouble() - 0.5));
            }
        }
        return samples;
    }
}
