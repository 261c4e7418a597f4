using AudioGrains.Abstractions;

namespace AudioGrains.Media.Tests;

public sealed class MediaProbeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly MediaProbe _probe = new(MediaFactory.Options);
    private readonly MediaLimits _limits = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("tone.wav", "wav", "pcm_f32le", 48000, 2, "stereo")]
    [InlineData("tone.mp3", "mp3", "mp3", 44100, 2, "stereo", "-c:a", "libmp3lame", "-b:a", "128k")]
    [InlineData("tone.m4a", "mov,mp4,m4a,3gp,3g2,mj2", "aac", 44100, 1, "mono", "-c:a", "aac")]
    [InlineData("tone.flac", "flac", "flac", 44100, 2, "stereo", "-c:a", "flac")]
    [InlineData("tone.opus", "ogg", "opus", 48000, 2, "stereo", "-c:a", "libopus")]
    [InlineData("tone.w64", "w64", "pcm_s16le", 8000, 1, null, "-c:a", "pcm_s16le")] // w64 stores no layout
    public async Task Probes_audio_files(string name, string formatName, string codec, int sampleRate, int channels, string? layout, params string[] encoding)
    {
        var path = await MediaFactory.ToneAsync(_folder.File(name), sampleRate, channels, 2, 440, 0.5, encoding);

        var info = await _probe.ProbeAsync(path, _limits, CancellationToken.None);

        Assert.Equal(formatName, info.FormatName);
        Assert.Equal(codec, info.AudioCodec);
        Assert.Equal(sampleRate, info.SampleRate);
        Assert.Equal(channels, info.Channels);
        Assert.Equal(layout, info.ChannelLayout);
        Assert.False(info.HasVideo);
        Assert.True(info.DurationKnown);
        Assert.InRange(info.DurationSeconds, 1.95, 2.1);
    }

    [Fact]
    public async Task Probes_the_audio_of_a_webm_video()
    {
        var path = _folder.File("clip.webm");
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i", "testsrc=d=1.5:s=96x64:r=10", "-f", "lavfi", "-i", "sine=f=440:d=1.5:r=48000",
            "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", "-shortest", path);

        var info = await _probe.ProbeAsync(path, _limits, CancellationToken.None);

        Assert.Equal("matroska,webm", info.FormatName);
        Assert.Equal("matroska", info.Demuxer);
        Assert.Equal("opus", info.AudioCodec);
        Assert.Equal(48000, info.SampleRate);
        Assert.Equal(1, info.Channels);
        Assert.True(info.HasVideo);
        Assert.InRange(info.DurationSeconds, 1.4, 1.6);
    }

    [Fact]
    public async Task Cover_art_is_not_video()
    {
        var tone = await MediaFactory.ToneAsync(_folder.File("tone.wav"), 44100, 1, 1);
        var path = _folder.File("song.mp3");
        await MediaFactory.FfmpegAsync("-i", tone, "-f", "lavfi", "-i", "color=c=red:s=32x32:d=0.1", "-map", "0:a", "-map", "1:v",
            "-frames:v", "1", "-c:v", "png", "-c:a", "libmp3lame", "-disposition:v", "attached_pic", "-id3v2_version", "3", path);

        var info = await _probe.ProbeAsync(path, _limits, CancellationToken.None);

        Assert.Equal("mp3", info.FormatName);
        Assert.False(info.HasVideo);
    }

    [Fact]
    public async Task Scans_packets_when_the_container_states_no_duration()
    {
        // What a browser's MediaRecorder uploads: live WebM states no duration and has no cues.
        var path = _folder.File("recording.webm");
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i", "sine=f=440:d=3:r=48000", "-c:a", "libopus", "-f", "webm", "-live", "1", path);

        var info = await _probe.ProbeAsync(path, _limits, CancellationToken.None);

        Assert.True(info.DurationKnown);
        Assert.InRange(info.DurationSeconds, 2.95, 3.05);
        var tooLong = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            _probe.ProbeAsync(path, new MediaLimits { MaxDurationSeconds = 1 }, CancellationToken.None));
        Assert.Equal(ErrorCodes.TooLong, tooLong.Code);
    }

    [Fact]
    public async Task Missing_input_is_input_not_found()
    {
        var error = await Refused(_folder.File("nowhere.wav"));
        Assert.Equal(ErrorCodes.InputNotFound, error.Code);
        Assert.Contains("\"nowhere.wav\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_file_is_empty_input()
    {
        var path = _folder.File("empty.wav");
        await File.WriteAllBytesAsync(path, []);
        Assert.Equal(ErrorCodes.EmptyInput, (await Refused(path)).Code);
    }

    [Fact]
    public async Task Text_named_mp3_is_invalid_media()
    {
        var path = _folder.File("notes.mp3");
        await File.WriteAllTextAsync(path, "These are meeting notes, not audio.\nSecond line.\n");
        Assert.Equal(ErrorCodes.InvalidMedia, (await Refused(path)).Code);
    }

    [Fact]
    public async Task Truncated_m4a_is_invalid_media()
    {
        // ffmpeg writes the moov atom at the end, so the first half has no index at all.
        var whole = await MediaFactory.ToneAsync(_folder.File("whole.m4a"), 44100, 2, 5, 440, 0.5, "-c:a", "aac");
        var path = _folder.File("cut.m4a");
        var bytes = await File.ReadAllBytesAsync(whole);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = await Refused(path);

        Assert.Equal(ErrorCodes.InvalidMedia, error.Code);
        Assert.Contains("\"cut.m4a\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Video_without_audio_is_no_audio_stream()
    {
        var path = _folder.File("silent-film.mp4");
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i", "testsrc=d=1:s=96x64:r=10", "-an", "-c:v", "libx264", "-preset", "ultrafast", path);

        var error = await Refused(path);

        Assert.Equal(ErrorCodes.NoAudioStream, error.Code);
        Assert.Equal("no audio stream in \"silent-film.mp4\"", error.Message);
    }

    [Theory]
    [InlineData("list.m3u8", "hls")]
    [InlineData("disguised.mp3", "hls")]
    [InlineData("remote.m3u8", "hls")]
    [InlineData("list.ffconcat", "concat")]
    [InlineData("disguised.wav", "concat")]
    public async Task Playlists_and_lists_are_unsupported_and_never_followed(string name, string format)
    {
        // The lists point at a FIFO without a writer: had ffmpeg followed one, it would hang until the timeout.
        var target = _folder.File("target.wav");
        await MakeFifoAsync(target);
        var text = (name, format) switch
        {
            ("remote.m3u8", _) => "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nhttp://127.0.0.1:9/secret.wav\n#EXT-X-ENDLIST\n",
            (_, "hls") => $"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{target}\n#EXT-X-ENDLIST\n",
            _ => $"ffconcat version 1.0\nfile '{target}'\nfile '{target}'\n",
        };
        var path = _folder.File(name);
        await File.WriteAllTextAsync(path, text);
        var probe = new MediaProbe(MediaFactory.Options with { MinimumTimeout = TimeSpan.FromSeconds(10) });

        var error = await Assert.ThrowsAsync<AudioGrainsException>(() => probe.ProbeAsync(path, _limits, CancellationToken.None));

        Assert.Equal(ErrorCodes.UnsupportedFormat, error.Code);
        Assert.Equal($"\"{name}\" is a {format} file, which is not accepted", error.Message);
    }

    [Fact]
    public async Task Too_long_is_refused()
    {
        var path = await MediaFactory.ToneAsync(_folder.File("speech.wav"), 16000, 1, 2);

        var error = await Refused(path, new MediaLimits { MaxDurationSeconds = 1.5 });

        Assert.Equal(ErrorCodes.TooLong, error.Code);
        Assert.Equal("\"speech.wav\" lasts 2 s, longer than the 1.5 s allowed", error.Message);
    }

    [Fact]
    public async Task Too_many_channels_is_refused()
    {
        var path = await MediaFactory.ToneAsync(_folder.File("stereo.wav"), 16000, 2, 0.5);

        var error = await Refused(path, new MediaLimits { MaxChannels = 1 });

        Assert.Equal(ErrorCodes.TooManyChannels, error.Code);
    }

    [Fact]
    public async Task Probe_out_of_time_is_a_transient_timeout()
    {
        // W64: a container that goes to ffprobe (a WAV is read from its header, in no time).
        var path = await MediaFactory.ToneAsync(_folder.File("tone.w64"), 16000, 1, 0.5, 440, 0.5, "-c:a", "pcm_s16le");
        var probe = new MediaProbe(MediaFactory.Options with { MinimumTimeout = TimeSpan.FromMilliseconds(1) });

        var error = await Assert.ThrowsAsync<AudioGrainsException>(() => probe.ProbeAsync(path, _limits, CancellationToken.None));

        Assert.Equal(ErrorCodes.Timeout, error.Code);
        Assert.False(error.IsPermanent);
    }

    [Fact]
    public async Task Cancelled_probe_throws_operation_cancelled()
    {
        var path = await MediaFactory.ToneAsync(_folder.File("tone.wav"), 16000, 1, 0.5);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _probe.ProbeAsync(path, _limits, cancelled.Token));
    }

    private static async Task MakeFifoAsync(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        await mkfifo.WaitForExitAsync();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private async Task<AudioGrainsException> Refused(string path, MediaLimits? limits = null)
    {
        var error = await Assert.ThrowsAsync<AudioGrainsException>(() => _probe.ProbeAsync(path, limits ?? _limits, CancellationToken.None));
        Assert.DoesNotContain(_folder.Path, error.Message, StringComparison.Ordinal);
        return error;
    }
}
