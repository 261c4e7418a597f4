using AudioGrains.Abstractions;

namespace AudioGrains.Media.Tests;

public sealed class PcmDecoderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly MediaProbe _probe = new(MediaFactory.Options);
    private readonly PcmDecoder _decoder = new(MediaFactory.Options);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Decodes_48k_stereo_to_16k_mono_keeping_level_and_streams_native_frames()
    {
        const int nativeFrames = 48000 * 3;
        var input = await MediaFactory.ToneAsync(_folder.File("tone.wav"), 48000, 2, 3, 1000, 0.5);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var output = _folder.File("tone.pcm");
        long nativeDelivered = 0;
        var partialBlocks = 0;
        double nativeSquares = 0;

        var frames = await _decoder.DecodeAsync(input, info, new PcmFormat(16000, 1), output, block =>
        {
            if (block.Length % 2 != 0) partialBlocks++;
            nativeDelivered += block.Length / 2;
            foreach (var s in block) nativeSquares += (double)s * s;
        }, CancellationToken.None);

        // The resampler gives floor or ceil of frames * 16000 / 48000 (here exact).
        Assert.Equal(nativeFrames / 3, frames);
        Assert.Equal(nativeFrames, nativeDelivered);
        Assert.Equal(0, partialBlocks);
        Assert.Equal(frames * 4, new FileInfo(output).Length);
        var mono = MediaFactory.ReadRawFloats(output);
        var expectedDb = 10 * Math.Log10(0.5 * 0.5 / 2);
        Assert.InRange(MediaFactory.RmsDb(mono), expectedDb - 0.1, expectedDb + 0.1);
        Assert.InRange(10 * Math.Log10(nativeSquares / (2.0 * nativeFrames)), expectedDb - 0.01, expectedDb + 0.01);
        Assert.Equal(["tone.pcm", "tone.wav"], _folder.Names());
    }

    [Theory]
    [InlineData(44100, 16000, 44101)]
    [InlineData(22050, 16000, 1003)]
    [InlineData(8000, 16000, 8001)]
    [InlineData(96000, 44100, 96007)]
    public async Task Resampled_frame_count_is_floor_or_ceil_of_the_exact_ratio(int rate, int target, int inputFrames)
    {
        var input = await MediaFactory.ToneAsync(_folder.File("tone.wav"), rate, 1, (double)inputFrames / rate);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        long native = 0;

        var frames = await _decoder.DecodeAsync(input, info, new PcmFormat(target, 1), _folder.File("out.pcm"), b => native += b.Length, CancellationToken.None);

        Assert.Equal(inputFrames, native);
        var exact = (double)inputFrames * target / rate;
        Assert.InRange(frames, (long)Math.Floor(exact), (long)Math.Ceiling(exact));
    }

    [Fact]
    public async Task Own_format_decode_is_bit_identical()
    {
        var input = _folder.File("noise.wav");
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i", "aevalsrc=random(0)*2-1|random(1)-0.5|sin(t*1000)*random(2):s=44100:d=1.3",
            "-c:a", "pcm_f32le", input);
        var expected = MediaFactory.ReadFloatWav(input);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var native = new List<float>();

        var frames = await _decoder.DecodeAsync(input, info, info.NativeFormat, _folder.File("same.pcm"), b => native.AddRange(b.ToArray()), CancellationToken.None);

        Assert.Equal(expected.Length / 3, frames);
        Assert.Equal(expected, MediaFactory.ReadRawFloats(_folder.File("same.pcm")));
        Assert.Equal(expected, native);
        var streamed = new List<float>();
        Assert.Equal(frames, await _decoder.StreamNativeAsync(input, info, b => streamed.AddRange(b.ToArray()), CancellationToken.None));
        Assert.Equal(expected, streamed);
    }

    [Fact]
    public async Task A_slow_sink_gets_every_native_frame_in_order_across_many_buffers()
    {
        // 3 channels: 12-byte frames do not divide the reader's 1 MiB buffers, so frames straddle buffer ends. 25 s of
        // 44.1 kHz is about 13 MB, several rounds of the reader's buffers, with a sink slower than ffmpeg.
        var input = _folder.File("three.wav");
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i", "aevalsrc=random(0)*2-1|sin(t*700)*0.5|random(1)-0.5:s=44100:d=25",
            "-c:a", "pcm_f32le", input);
        var expected = MediaFactory.ReadFloatWav(input);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var native = new List<float>(expected.Length);
        var blocks = 0;

        var frames = await _decoder.StreamNativeAsync(input, info, b =>
        {
            Assert.Equal(0, b.Length % 3);
            native.AddRange(b.ToArray());
            if (++blocks % 2 == 0) Thread.Sleep(5);
        }, CancellationToken.None);

        Assert.Equal(expected.Length / 3, frames);
        Assert.True(blocks >= 8, $"{blocks} blocks");
        Assert.Equal(expected, native);
    }

    [Fact]
    public async Task Decodes_compressed_audio_with_video_and_unknown_duration()
    {
        var input = _folder.File("clip.webm");
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i", "testsrc=d=2:s=96x64:r=10", "-f", "lavfi", "-i", "sine=f=440:d=2:r=48000",
            "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", "-shortest", "-live", "1", input);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var unknown = info with { DurationSeconds = double.NaN };

        var frames = await _decoder.DecodeAsync(input, unknown, new PcmFormat(16000, 1), _folder.File("clip.pcm"), null, CancellationToken.None);

        Assert.InRange(frames, 16000 * 1.95, 16000 * 2.05);
    }

    [Fact]
    public async Task Mono_is_copied_to_every_target_channel()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("mono.wav"), 16000, 1, 0.5);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);

        var frames = await _decoder.DecodeAsync(input, info, new PcmFormat(16000, 2), _folder.File("stereo.pcm"), null, CancellationToken.None);

        var mono = MediaFactory.ReadFloatWav(input);
        var stereo = MediaFactory.ReadRawFloats(_folder.File("stereo.pcm"));
        Assert.Equal(mono.Length, frames);
        Assert.Equal(mono, stereo.Where((_, i) => i % 2 == 0));
        Assert.Equal(mono, stereo.Where((_, i) => i % 2 == 1));
    }

    [Fact]
    public async Task A_container_that_understates_its_length_is_too_long()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("liar.wav"), 8000, 1, 4);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var decoder = new PcmDecoder(MediaFactory.Options, new MediaLimits { MaxDurationSeconds = 2 });

        var error = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            decoder.DecodeAsync(input, info with { DurationSeconds = 1 }, new PcmFormat(8000, 1), _folder.File("liar.pcm"), null, CancellationToken.None));

        Assert.Equal(ErrorCodes.TooLong, error.Code);
        Assert.Equal(["liar.wav"], _folder.Names());
    }

    [Fact]
    public async Task A_format_off_the_whitelist_is_refused_before_ffmpeg_runs()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("tone.wav"), 8000, 1, 0.5);
        var info = new MediaInfo("hls", 0.5, 8000, 1, "mono", "pcm_f32le", false);

        var error = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            _decoder.DecodeAsync(input, info, new PcmFormat(8000, 1), _folder.File("x.pcm"), null, CancellationToken.None));

        Assert.Equal(ErrorCodes.UnsupportedFormat, error.Code);
    }

    [Fact]
    public async Task Corrupt_data_behind_a_valid_header_is_invalid_media()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("song.mp3"), 44100, 1, 2, 440, 0.5, "-c:a", "libmp3lame");
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var flac = await MediaFactory.ToneAsync(_folder.File("song.flac"), 44100, 1, 2, 440, 0.5, "-c:a", "flac");

        // The mp3 demuxer pinned by -f cannot read FLAC, whatever the probe said.
        var error = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            _decoder.DecodeAsync(flac, info, new PcmFormat(16000, 1), _folder.File("song.pcm"), null, CancellationToken.None));

        Assert.Equal(ErrorCodes.InvalidMedia, error.Code);
        Assert.Contains("\"song.flac\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Equal(["song.flac", "song.mp3"], _folder.Names());
    }

    [Fact]
    public async Task Cancelled_decode_kills_ffmpeg_and_leaves_no_temp_file()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("long.wav"), 48000, 2, 20);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        int? pid = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _decoder.DecodeAsync(input, info, new PcmFormat(16000, 1), _folder.File("long.pcm"), _ =>
            {
                pid ??= ChildProcesses.FindByArgument(_folder.Path);
                cancellation.Cancel();
            }, cancellation.Token));

        Assert.NotNull(pid);
        Assert.True(ChildProcesses.IsGone(pid.Value), $"ffmpeg {pid} is still there");
        Assert.Equal(["long.wav"], _folder.Names());
    }

    [Fact]
    public async Task Decode_out_of_time_is_a_timeout_and_leaves_nothing()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("long.wav"), 48000, 2, 20);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var decoder = new PcmDecoder(MediaFactory.Options with { MinimumTimeout = TimeSpan.FromSeconds(3), TimeoutSecondsPerMediaSecond = 0 });
        int? pid = null;

        var error = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            decoder.DecodeAsync(input, info, new PcmFormat(16000, 1), _folder.File("long.pcm"), _ =>
            {
                pid ??= ChildProcesses.FindByArgument(_folder.Path);
                // A slow consumer: the 7.7 MB native stream comes in about eight 1 MiB blocks, about 8 s in all,
                // while ffmpeg blocks on the full pipe and buffers; the deadline is 3 s.
                Thread.Sleep(1000);
            }, CancellationToken.None));

        Assert.Equal(ErrorCodes.Timeout, error.Code);
        Assert.Contains("\"long.wav\"", error.Message, StringComparison.Ordinal);
        Assert.NotNull(pid);
        Assert.True(ChildProcesses.IsGone(pid.Value), $"ffmpeg {pid} is still there");
        Assert.Equal(["long.wav"], _folder.Names());
    }

    [Fact]
    public async Task A_failing_sink_stops_the_decode_and_leaves_nothing()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("tone.wav"), 48000, 2, 5);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _decoder.DecodeAsync(input, info, new PcmFormat(16000, 1), _folder.File("tone.pcm"), _ => throw new InvalidOperationException("sink full"), CancellationToken.None));

        Assert.Equal(["tone.wav"], _folder.Names());
    }

    [Fact]
    public async Task Decoding_again_replaces_the_output()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("tone.wav"), 16000, 1, 1);
        var info = await _probe.ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var output = _folder.File("tone.pcm");
        await File.WriteAllTextAsync(output, "stale");

        Assert.Equal(16000, await _decoder.DecodeAsync(input, info, info.NativeFormat, output, null, CancellationToken.None));
        Assert.Equal(16000, await _decoder.DecodeAsync(input, info, info.NativeFormat, output, null, CancellationToken.None));
        Assert.Equal(16000 * 4, new FileInfo(output).Length);
        Assert.Equal(["tone.pcm", "tone.wav"], _folder.Names());
    }

    [Fact]
    public async Task Missing_and_empty_inputs_have_their_codes()
    {
        var info = new MediaInfo("wav", 1, 8000, 1, "mono", "pcm_s16le", false);
        var empty = _folder.File("empty.wav");
        await File.WriteAllBytesAsync(empty, []);

        var missing = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            _decoder.StreamNativeAsync(_folder.File("gone.wav"), info, _ => { }, CancellationToken.None));
        var nothing = await Assert.ThrowsAsync<AudioGrainsException>(() =>
            _decoder.DecodeAsync(empty, info, info.NativeFormat, _folder.File("x.pcm"), null, CancellationToken.None));

        Assert.Equal(ErrorCodes.InputNotFound, missing.Code);
        Assert.Equal(ErrorCodes.EmptyInput, nothing.Code);
    }
}
