using AudioGrains.Media.Ogg;

namespace AudioGrains.Media.Tests;

/// <summary>Opus segments encoded apart, each with pre-roll, join into exactly what one sequential encode gives.</summary>
public sealed class OpusSegmentsTests : IDisposable
{
    private const int Rate = 16000;
    private readonly TempFolder _folder = new();
    private readonly PcmEncoder _encoder = new(MediaFactory.Options);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Joined_segments_are_the_packets_of_one_sequential_encode()
    {
        var samples = await SignalAsync(seconds: 12.3);
        var sequential = await EncodeAsync("sequential.opus", samples, 0, samples.Length);
        var segments = await EncodeSegmentsAsync(samples, [0, 4 * Rate, 8 * Rate], OpusSegments.PreRollFrames(Rate));
        var joined = _folder.File("joined.opus");

        await using (var stream = File.Create(joined))
        {
            Assert.Empty(OpusSegments.Join(segments, Rate, samples.Length, stream));
        }

        Assert.Equal(Packets(sequential), Packets(joined));
        var decoded = await DecodeAsync(joined);
        Assert.Equal(await DecodeAsync(sequential), decoded);
        Assert.Equal(samples.Length * 3, decoded.Length); // the padding is trimmed: 48 kHz, exactly the input's length
    }

    [Fact]
    public async Task A_seam_that_has_not_converged_is_reported_and_stays_far_below_the_codec_error()
    {
        var samples = await SignalAsync(seconds: 8);
        // 200 ms of pre-roll: the fresh encoder's first packets are still its own, and they are the ones compared.
        var segments = await EncodeSegmentsAsync(samples, [0, 4 * Rate], preRollFrames: Rate / 5);
        var sequential = await EncodeAsync("sequential.opus", samples, 0, samples.Length);
        var joined = _folder.File("joined.opus");

        IReadOnlyList<string> unconverged;
        await using (var stream = File.Create(joined))
        {
            unconverged = OpusSegments.Join(segments, Rate, samples.Length, stream);
        }

        Assert.Equal(["segments 0 and 1 differ 10 packets before their seam"], unconverged);
        var reference = await DecodeAsync(sequential);
        var seam = SnrDb(reference, await DecodeAsync(joined));
        var codec = SnrDb(samples, await DecodeAsync(sequential, "-ar", "16000"));
        Assert.True(seam >= codec + 20, $"joined vs sequential {seam:F1} dB, the codec's own {codec:F1} dB");
    }

    [Fact]
    public async Task Segments_that_cannot_be_joined_leave_no_file()
    {
        var samples = await SignalAsync(seconds: 8);
        var segments = await EncodeSegmentsAsync(samples, [0, 4 * Rate], OpusSegments.PreRollFrames(Rate));
        var damaged = segments[1].Path;
        var bytes = await File.ReadAllBytesAsync(damaged);
        await File.WriteAllBytesAsync(damaged, bytes[..(bytes.Length / 2)]);
        var before = _folder.Names().Order().ToArray();

        await Assert.ThrowsAsync<InvalidDataException>(() => new SegmentedOpusOutput(MediaFactory.Options)
            .WriteAsync(segments, Rate, samples.Length, _folder.File("out.webm"), OutputFormat.WebM, CancellationToken.None));

        Assert.Equal(before, _folder.Names().Order().ToArray());
    }

    [Fact]
    public async Task Webm_output_holds_the_same_packets_and_nothing_is_left_behind()
    {
        var samples = await SignalAsync(seconds: 6);
        var segments = await EncodeSegmentsAsync(samples, [0, 3 * Rate], OpusSegments.PreRollFrames(Rate));
        var output = new SegmentedOpusOutput(MediaFactory.Options);
        var ogg = _folder.File("out.opus");
        var webm = _folder.File("out.webm");

        Assert.Empty(await output.WriteAsync(segments, Rate, samples.Length, ogg, OutputFormat.Opus, CancellationToken.None));
        Assert.Empty(await output.WriteAsync(segments, Rate, samples.Length, webm, OutputFormat.WebM, CancellationToken.None));

        Assert.Equal(await DecodeAsync(ogg), await DecodeAsync(webm));
        Assert.Equal(["out.opus", "out.opus.f32", "out.webm", "out.webm.f32", .. segments.Select(s => Path.GetFileName(s.Path))],
            _folder.Names().Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>A chirp over noise with a pause: tonal, noisy and silent stretches across the seams.</summary>
    private async Task<float[]> SignalAsync(double seconds)
    {
        var raw = _folder.File("signal.f32");
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i",
            $"aevalsrc=(0.4*sin(2*PI*(150+90*t)*t)+0.03*(random(0)-0.5))*gt(mod(t\\,5)\\,0.7):s={Rate}:d={MediaFactory.F(seconds)}",
            "-f", "f32le", raw);
        var samples = MediaFactory.ReadRawFloats(raw);
        File.Delete(raw);
        return samples;
    }

    private async Task<List<OpusSegment>> EncodeSegmentsAsync(float[] samples, int[] starts, int preRollFrames)
    {
        var segments = new List<OpusSegment>();
        for (var i = 0; i < starts.Length; i++)
        {
            var end = i + 1 < starts.Length ? starts[i + 1] : samples.Length;
            var preRoll = Math.Min(starts[i], preRollFrames);
            var postEnd = Math.Min(samples.Length, end + OpusSegments.PostRollFrames(Rate));
            var path = await EncodeAsync($"segment{i}.opus", samples, starts[i] - preRoll, postEnd);
            segments.Add(new OpusSegment(path, preRoll, end - starts[i]));
        }
        return segments;
    }

    private async Task<string> EncodeAsync(string name, float[] samples, int from, int to)
    {
        var path = _folder.File(name);
        await using var session = _encoder.Start(path, OutputFormat.Opus, new PcmFormat(Rate, 1), (double)(to - from) / Rate, CancellationToken.None);
        await session.WriteAsync(samples.AsMemory(from, to - from), CancellationToken.None);
        await session.CompleteAsync(CancellationToken.None);
        return path;
    }

    private static List<byte[]> Packets(string path)
    {
        using var file = File.OpenRead(path);
        var reader = new OggPacketReader(file);
        reader.Read();
        reader.Read();
        var packets = new List<byte[]>();
        for (var p = reader.Read(); p is not null; p = reader.Read()) packets.Add(p);
        return packets;
    }

    private async Task<float[]> DecodeAsync(string path, params string[] options)
    {
        var raw = path + (options.Length > 0 ? ".resampled" : "") + ".f32";
        await MediaFactory.FfmpegAsync(["-i", path, .. options, "-f", "f32le", raw]);
        return MediaFactory.ReadRawFloats(raw);
    }

    private static double SnrDb(float[] reference, float[] test)
    {
        Assert.Equal(reference.Length, test.Length);
        double signal = 0, error = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            error += ((double)reference[i] - test[i]) * ((double)reference[i] - test[i]);
        }
        return 10 * Math.Log10(signal / Math.Max(error, 1e-300));
    }
}
