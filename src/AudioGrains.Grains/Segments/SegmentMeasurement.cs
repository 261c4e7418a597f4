using System.Runtime.InteropServices;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using AudioGrains.Media;

namespace AudioGrains.Grains.Segments;

/// <summary>
/// Measures an Opus segment as a listener of the joined output hears it: the segment's file is decoded (48 kHz, as
/// Opus decodes), its pre-roll primes the meter and the decoder, and the segment's own stretch is measured into
/// <see cref="ChunkStatistics"/>, which merge exactly like the chunks'. What makes the merge the joined file's
/// measurement is that each segment's decoder has caught up with the previous one by the seam: the last
/// <see cref="CheckFrames"/> decoded frames before a segment's start, decoded by both, must be equal
/// (<see cref="SeamsAgreeAsync"/>); the assembly measures the whole file when they are not.
/// </summary>
public static class SegmentMeasurement
{
    /// <summary>Decoded frames compared at every seam: 100 ms at 48 kHz.</summary>
    public const int CheckFrames = 4800;

    /// <summary>Opus decodes at 48 kHz whatever rate it was fed.</summary>
    public const int DecodedRate = 48000;

    /// <summary>Segments of up to two channels are measured apart; more need the file's channel layout, so the whole file is measured.</summary>
    public static bool CanMeasure(int channels) => channels <= 2;

    public static async Task MeasureAsync(EncodeWork work, IBlobStore blobs, BlobStaging staging, PcmDecoder decoder, CancellationToken ct)
    {
        var channels = work.Channels;
        var ratio = DecodedRate / work.SampleRate;
        var preRoll = (long)work.PreRollFrames * ratio;
        var end = preRoll + (long)work.Frames * ratio;
        var meter = new LoudnessMeter(DecodedRate, channels, ChannelWeights.For(channels, null));
        var head = new float[preRoll >= CheckFrames ? CheckFrames * channels : 0];
        var tail = new float[Math.Min(CheckFrames, end - preRoll) * channels];
        long position = 0;

        void Take(ReadOnlySpan<float> block)
        {
            var frames = block.Length / channels;
            Copy(block, position, preRoll - head.Length / channels, head, channels);
            Copy(block, position, end - tail.Length / channels, tail, channels);
            var primeTo = (int)Math.Clamp(preRoll - position, 0, frames);
            var addTo = (int)Math.Clamp(end - position, 0, frames);
            if (primeTo > 0) meter.Prime(block[..(primeTo * channels)]);
            if (addTo > primeTo) meter.Add(block[(primeTo * channels)..(addTo * channels)]);
            position += frames;
        }

        using var staged = await staging.InputAsync(JobBlobKeys.SegmentOpus(work.SegmentKey), ct).ConfigureAwait(false);
        var path = staged.Path;
        var info = new MediaInfo("ogg", (double)(end + work.PostRollFrames * ratio) / DecodedRate, DecodedRate, channels, null, "opus", false);
        await decoder.StreamNativeAsync(path, info, Take, ct).ConfigureAwait(false);
        if (meter.Frames != end - preRoll)
            throw new InvalidDataException($"segment {work.Index} decoded to {position} frames, {end} needed");

        ct.ThrowIfCancellationRequested();
        using (var check = blobs.Create(JobBlobKeys.SegmentCheck(work.SegmentKey)))
        {
            using (var writer = new BinaryWriter(check.Stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(head.Length);
                writer.Write(MemoryMarshal.AsBytes(head.AsSpan()));
                writer.Write(tail.Length);
                writer.Write(MemoryMarshal.AsBytes(tail.AsSpan()));
            }
            await check.CommitAsync(ct).ConfigureAwait(false);
        }
        var statistics = new ChunkStatistics(meter.Frames, [.. meter.SegmentEnergies], meter.SamplePeak, meter.TruePeak);
        using var stats = blobs.Create(JobBlobKeys.Statistics(work.SegmentKey));
        statistics.WriteTo(stats.Stream);
        await stats.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>True when every segment's decoded frames before its start equal the previous segment's decoded last frames.</summary>
    public static async Task<bool> SeamsAgreeAsync(IBlobStore blobs, IReadOnlyList<string> segmentKeys, CancellationToken ct = default)
    {
        float[]? previousTail = null;
        foreach (var key in segmentKeys)
        {
            if (await blobs.LengthAsync(JobBlobKeys.SegmentCheck(key), ct).ConfigureAwait(false) is null) return false;
            await using var stream = await blobs.OpenReadAsync(JobBlobKeys.SegmentCheck(key), ct: ct).ConfigureAwait(false);
            using var reader = new BinaryReader(new BufferedStream(stream, 1 << 16));
            var head = ReadFloats(reader);
            var tail = ReadFloats(reader);
            if (previousTail is not null && (head.Length == 0 || previousTail.Length < head.Length
                                             || !head.AsSpan().SequenceEqual(previousTail.AsSpan(previousTail.Length - head.Length))))
                return false;
            previousTail = tail;
        }
        return true;
    }

    private static float[] ReadFloats(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count is < 0 or > 1 << 20) throw new InvalidDataException("corrupt segment check blob");
        var values = new float[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Copies the frames of <paramref name="block"/> (at <paramref name="position"/>) that fall in [from, from + target frames).</summary>
    private static void Copy(ReadOnlySpan<float> block, long position, long from, float[] target, int channels)
    {
        if (target.Length == 0) return;
        var frames = block.Length / channels;
        var lo = Math.Max(position, from);
        var hi = Math.Min(position + frames, from + target.Length / channels);
        if (lo >= hi) return;
        block.Slice((int)(lo - position) * channels, (int)(hi - lo) * channels).CopyTo(target.AsSpan((int)(lo - from) * channels));
    }
}
