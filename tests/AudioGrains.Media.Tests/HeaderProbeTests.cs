namespace AudioGrains.Media.Tests;

/// <summary>The in-process header reading gives exactly what ffprobe reports, or steps aside for ffprobe.</summary>
public sealed class HeaderProbeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly MediaProbe _probe = new(MediaFactory.Options);
    private readonly MediaLimits _limits = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("s16-mono.wav", 22050, 1, "-c:a", "pcm_s16le")]
    [InlineData("s16-stereo.wav", 44100, 2, "-c:a", "pcm_s16le")]
    [InlineData("u8.wav", 8000, 1, "-c:a", "pcm_u8")]
    [InlineData("s24.wav", 48000, 2, "-c:a", "pcm_s24le")]
    [InlineData("s32.wav", 16000, 1, "-c:a", "pcm_s32le")]
    [InlineData("f32-stereo.wav", 48000, 2, "-c:a", "pcm_f32le")]
    [InlineData("f64.wav", 44100, 1, "-c:a", "pcm_f64le")]
    [InlineData("tagged.wav", 22050, 1, "-c:a", "pcm_s16le", "-metadata", "title=a LIST chunk before the data")]
    [InlineData("mono.flac", 22050, 1, "-c:a", "flac")]
    [InlineData("stereo.flac", 44100, 2, "-c:a", "flac", "-sample_fmt", "s32")]
    [InlineData("cbr.mp3", 44100, 2, "-c:a", "libmp3lame", "-b:a", "128k")]
    [InlineData("vbr.mp3", 48000, 2, "-c:a", "libmp3lame", "-q:a", "4")]
    [InlineData("mono-mpeg1.mp3", 32000, 1, "-c:a", "libmp3lame", "-b:a", "64k")]
    [InlineData("mono-mpeg2.mp3", 16000, 1, "-c:a", "libmp3lame", "-b:a", "32k")]
    [InlineData("stereo-mpeg25.mp3", 11025, 2, "-c:a", "libmp3lame", "-b:a", "32k")]
    [InlineData("untagged.mp3", 24000, 1, "-c:a", "libmp3lame", "-b:a", "48k", "-write_id3v2", "0")]
    [InlineData("id3v4.mp3", 44100, 1, "-c:a", "libmp3lame", "-id3v2_version", "4", "-metadata", "artist=someone")]
    public async Task Reads_what_ffprobe_reports(string name, int sampleRate, int channels, params string[] encoding)
    {
        var path = await MediaFactory.ToneAsync(_folder.File(name), sampleRate, channels, 2.37, 440, 0.5, encoding);

        var fromHeader = HeaderProbe.TryRead(path);
        var fromFfprobe = await _probe.FfprobeAsync(path, _limits, CancellationToken.None);

        Assert.NotNull(fromHeader);
        // ffprobe prints durations to the microsecond.
        Assert.Equal(fromFfprobe.DurationSeconds, fromHeader.DurationSeconds, 5e-7);
        Assert.Equal(fromFfprobe, fromHeader with { DurationSeconds = fromFfprobe.DurationSeconds });
    }

    [Theory]
    [InlineData("surround.wav", 6, "-c:a", "pcm_s16le")]              // more than two channels: layouts are ffprobe's
    [InlineData("surround.flac", 6, "-c:a", "flac")]
    [InlineData("adpcm.wav", 1, "-c:a", "adpcm_ms")]                  // compressed WAV
    [InlineData("rf64.wav", 1, "-c:a", "pcm_s16le", "-rf64", "always")]
    [InlineData("no-count.mp3", 1, "-c:a", "libmp3lame", "-write_xing", "0")] // length only estimated by ffprobe
    [InlineData("tone.m4a", 1, "-c:a", "aac")]
    [InlineData("tone.w64", 1, "-c:a", "pcm_s16le")]
    [InlineData("tone.opus", 2, "-c:a", "libopus")]
    public async Task Leaves_other_files_to_ffprobe(string name, int channels, params string[] encoding)
    {
        var path = await MediaFactory.ToneAsync(_folder.File(name), 48000, channels, 1.5, 440, 0.5, encoding);

        Assert.Null(HeaderProbe.TryRead(path));
        var info = await _probe.ProbeAsync(path, _limits, CancellationToken.None);
        Assert.Equal(channels, info.Channels);
    }

    [Fact]
    public async Task A_wav_whose_data_is_cut_short_goes_to_ffprobe()
    {
        var path = await MediaFactory.ToneAsync(_folder.File("cut.wav"), 16000, 1, 2, 440, 0.5, "-c:a", "pcm_s16le");
        await using (var file = new FileStream(path, FileMode.Open)) file.SetLength(file.Length - 1000);

        Assert.Null(HeaderProbe.TryRead(path));
        Assert.InRange((await _probe.ProbeAsync(path, _limits, CancellationToken.None)).DurationSeconds, 1.9, 2.0);
    }

    [Fact]
    public async Task Stereo_16_bit_pcm_carrying_an_spdif_burst_goes_to_ffprobe()
    {
        var path = await MediaFactory.ToneAsync(_folder.File("spdif.wav"), 48000, 2, 1, 440, 0.5, "-c:a", "pcm_s16le");
        Assert.NotNull(HeaderProbe.TryRead(path));
        var bytes = await File.ReadAllBytesAsync(path);
        var data = bytes.AsSpan().IndexOf("data"u8) + 8;
        ((ReadOnlySpan<byte>)[0x72, 0xF8, 0x1F, 0x4E]).CopyTo(bytes.AsSpan(data + 4000));
        await File.WriteAllBytesAsync(path, bytes);

        Assert.Null(HeaderProbe.TryRead(path));
    }

    [Fact]
    public async Task Limits_hold_for_files_read_from_their_header()
    {
        var path = await MediaFactory.ToneAsync(_folder.File("long.wav"), 16000, 2, 3, 440, 0.5, "-c:a", "pcm_s16le");
        Assert.NotNull(HeaderProbe.TryRead(path));

        var tooLong = await Assert.ThrowsAsync<AudioGrains.Abstractions.AudioGrainsException>(() =>
            _probe.ProbeAsync(path, new MediaLimits { MaxDurationSeconds = 2 }, CancellationToken.None));
        Assert.Equal(AudioGrains.Abstractions.ErrorCodes.TooLong, tooLong.Code);
        var tooWide = await Assert.ThrowsAsync<AudioGrains.Abstractions.AudioGrainsException>(() =>
            _probe.ProbeAsync(path, new MediaLimits { MaxChannels = 1 }, CancellationToken.None));
        Assert.Equal(AudioGrains.Abstractions.ErrorCodes.TooManyChannels, tooWide.Code);
    }
}
