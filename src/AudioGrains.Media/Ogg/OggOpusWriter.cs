using System.Buffers.Binary;

namespace AudioGrains.Media.Ogg;

/// <summary>
/// Writes an Ogg Opus stream (RFC 7845) from packets: the OpusHead page, the OpusTags page, then audio pages of at
/// most one second (or 255 lacing values), each with the granule position of its last packet. <see cref="Finish"/>
/// ends the stream with the granule position that trims the encoder's padding. The same packets always give the
/// same bytes (a fixed serial number).
/// </summary>
public sealed class OggOpusWriter
{
    private const int MaxSegments = 255;
    private const int PageSamples = 48_000;
    private const uint Serial = 0x41475231; // "AGR1": fixed, so output bytes depend only on the packets

    private readonly Stream _output;
    private readonly List<byte[]> _pending = [];
    private int _pendingSegments;
    private long _pendingSamples;
    private long _granule;
    private uint _sequence;
    private bool _finished;

    public OggOpusWriter(Stream output, ReadOnlySpan<byte> opusHead, ReadOnlySpan<byte> opusTags)
    {
        ArgumentNullException.ThrowIfNull(output);
        Head = OpusHead.Parse(opusHead);
        _output = output;
        WritePage([opusHead.ToArray()], granule: 0, flags: 0x02);
        WritePage([opusTags.ToArray()], granule: 0, flags: 0);
    }

    public OpusHead Head { get; }

    /// <summary>48 kHz samples of all packets written so far, including the pre-skip.</summary>
    public long Samples => _granule + _pendingSamples;

    public void WritePacket(ReadOnlySpan<byte> packet)
    {
        if (_finished) throw new InvalidOperationException("the Ogg stream is finished");
        var segments = packet.Length / 255 + 1;
        if (segments > MaxSegments) throw new ArgumentException($"an Opus packet of {packet.Length} bytes is longer than one page", nameof(packet));
        if (_pendingSegments + segments > MaxSegments || _pendingSamples >= PageSamples) FlushPage(flags: 0);
        _pending.Add(packet.ToArray());
        _pendingSegments += segments;
        _pendingSamples += OpusPacket.SamplesAt48Khz(packet);
    }

    /// <summary>Writes the last page; <paramref name="finalGranule"/> is pre-skip plus the real length at 48 kHz.</summary>
    public void Finish(long finalGranule)
    {
        if (_finished) throw new InvalidOperationException("the Ogg stream is finished");
        if (_pending.Count == 0) throw new InvalidOperationException("an Ogg Opus stream needs at least one audio packet");
        if (finalGranule > Samples || finalGranule <= _granule)
            throw new ArgumentOutOfRangeException(nameof(finalGranule), $"{finalGranule} must be within the last page ({_granule}, {Samples}]");
        WritePage(_pending, finalGranule, flags: 0x04);
        _pending.Clear();
        _finished = true;
        _output.Flush();
    }

    private void FlushPage(byte flags)
    {
        if (_pending.Count == 0) return;
        _granule += _pendingSamples;
        WritePage(_pending, _granule, flags);
        _pending.Clear();
        _pendingSegments = 0;
        _pendingSamples = 0;
    }

    private void WritePage(IReadOnlyList<byte[]> packets, long granule, byte flags)
    {
        var lacing = new List<byte>();
        var bodyBytes = 0;
        foreach (var packet in packets)
        {
            for (var left = packet.Length; ; left -= 255)
            {
                lacing.Add((byte)Math.Min(left, 255));
                if (left < 255) break;
            }
            bodyBytes += packet.Length;
        }
        if (lacing.Count > MaxSegments) throw new InvalidOperationException("a header packet is longer than one Ogg page");

        var page = new byte[27 + lacing.Count + bodyBytes];
        "OggS"u8.CopyTo(page);
        page[4] = 0;
        page[5] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), Serial);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), _sequence++);
        page[26] = (byte)lacing.Count;
        lacing.CopyTo(page, 27);
        var offset = 27 + lacing.Count;
        foreach (var packet in packets)
        {
            packet.CopyTo(page, offset);
            offset += packet.Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc.Compute(page));
        _output.Write(page);
    }
}
