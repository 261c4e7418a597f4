namespace AudioGrains.Media.Ogg;

/// <summary>One Opus segment encoded on its own: its Ogg file, the pre-roll it starts with, the frames it stands for.</summary>
/// <param name="Path">The segment's Ogg Opus file, as ffmpeg wrote it.</param>
/// <param name="PreRollFrames">Frames encoded before the segment's own start (a whole number of packets); their packets are dropped.</param>
/// <param name="Frames">The segment's own frames (a whole number of packets, except in the last segment).</param>
public sealed record OpusSegment(string Path, int PreRollFrames, long Frames);

/// <summary>
/// Joins Opus segments that were encoded apart, in parallel, into one Ogg Opus stream. Each segment is encoded from
/// <see cref="PreRollFrames"/> before its start to <see cref="PostRollFrames"/> past its end and its own packets are
/// kept. In hard-CBR mode the encoder's state forgets where it started, so the packets from a segment's start on are,
/// byte for byte, those of one sequential encode (measured on speech: every seam with 2 s of pre-roll; 1 s left one
/// seam in 20 unconverged). Each seam is checked: the last <see cref="SeamCheckPackets"/> pre-roll packets of a
/// segment must equal the previous segment's last packets. A seam that has not converged is still a valid stream
/// (the decoder carries its state across); measured, its difference from a sequential encode is 60–110 dB below the
/// signal, far under the codec's own error. Such seams are reported, not refused. Memory: one page and a few packets.
/// </summary>
public static class OpusSegments
{
    /// <summary>Packets compared at every seam (200 ms).</summary>
    public const int SeamCheckPackets = 10;

    /// <summary>Frames of one 20 ms packet.</summary>
    public static int PacketFrames(int sampleRate) => sampleRate / 50;

    /// <summary>Pre-roll before a segment's start: two seconds.</summary>
    public static int PreRollFrames(int sampleRate) => 2 * sampleRate;

    /// <summary>Post-roll after a segment's end, so its last packets see the encoder's look-ahead of real signal.</summary>
    public static int PostRollFrames(int sampleRate) => sampleRate / 5;

    /// <summary>True when segments at this rate can be joined: libopus takes the rate as it is (no resampler state) and packets are whole frames.</summary>
    public static bool CanSegment(int sampleRate) => PcmEncoder.IsOpusRate(sampleRate) && sampleRate % 50 == 0;

    /// <summary>
    /// Writes the joined stream to <paramref name="output"/> and returns the seams that had not converged (empty when
    /// the stream is exactly a sequential encode's). Segments that cannot be joined at all (another OpusHead, too few
    /// packets, a damaged file) throw <see cref="InvalidDataException"/>.
    /// </summary>
    public static IReadOnlyList<string> Join(IReadOnlyList<OpusSegment> segments, int sampleRate, long totalFrames, Stream output)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0) throw new ArgumentException("no segments to join", nameof(segments));
        if (!CanSegment(sampleRate)) throw new ArgumentException($"Opus segments cannot be joined at {sampleRate} Hz", nameof(sampleRate));
        var packetFrames = PacketFrames(sampleRate);
        OggOpusWriter? writer = null;
        byte[]? firstHead = null;
        var previousTail = new Queue<byte[]>();
        var unconverged = new List<string>();

        for (var s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            var last = s == segments.Count - 1;
            if (segment.PreRollFrames % packetFrames != 0 || (!last && segment.Frames % packetFrames != 0))
                throw new ArgumentException($"segment {s} is not a whole number of {packetFrames}-frame packets", nameof(segments));

            using var file = File.OpenRead(segment.Path);
            var reader = new OggPacketReader(new BufferedStream(file, 1 << 16));
            var head = reader.Read() ?? throw new InvalidDataException($"segment {s} is empty");
            var tags = reader.Read() ?? throw new InvalidDataException($"segment {s} has no OpusTags");
            if (firstHead is null)
            {
                firstHead = head;
                writer = new OggOpusWriter(output, head, tags);
            }
            else if (!head.AsSpan().SequenceEqual(firstHead))
            {
                throw new InvalidDataException($"segment {s} has another OpusHead than segment 0");
            }

            var skip = segment.PreRollFrames / packetFrames;
            var keep = last ? long.MaxValue : segment.Frames / packetFrames;
            var comparisons = s == 0 ? 0 : Math.Min(SeamCheckPackets, Math.Min(skip, previousTail.Count));
            if (s > 0 && comparisons == 0) throw new InvalidDataException($"segment {s} has no pre-roll packets to check its seam with");
            while (previousTail.Count > comparisons) previousTail.Dequeue();
            var compareFrom = skip - comparisons;

            long index = 0, kept = 0;
            for (var packet = reader.Read(); packet is not null && kept < keep; packet = reader.Read(), index++)
            {
                if (index < skip)
                {
                    if (index >= compareFrom)
                    {
                        var expected = previousTail.Dequeue();
                        if (!packet.AsSpan().SequenceEqual(expected))
                        {
                            unconverged.Add($"segments {s - 1} and {s} differ {skip - index} packets before their seam");
                            previousTail.Clear();
                            compareFrom = skip;
                        }
                    }
                    continue;
                }
                writer!.WritePacket(packet);
                kept++;
                previousTail.Enqueue(packet);
                if (previousTail.Count > SeamCheckPackets) previousTail.Dequeue();
            }
            if (index < skip || (!last && kept < keep))
                throw new InvalidDataException($"segment {s} holds fewer packets than its {segment.PreRollFrames + segment.Frames} frames need");
        }

        var finalGranule = writer!.Head.PreSkip + totalFrames * (48_000 / sampleRate);
        writer.Finish(finalGranule);
        return unconverged;
    }
}
