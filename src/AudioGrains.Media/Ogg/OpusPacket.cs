namespace AudioGrains.Media.Ogg;

/// <summary>What an Opus packet's table-of-contents byte says about its duration (RFC 6716 §3.1).</summary>
public static class OpusPacket
{
    /// <summary>Samples at 48 kHz that the packet decodes to.</summary>
    public static int SamplesAt48Khz(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty) throw new InvalidDataException("an Opus packet is empty");
        var config = packet[0] >> 3;
        // Frame length in 48 kHz samples: SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms.
        var frame = config switch
        {
            < 12 => (config & 3) switch { 0 => 480, 1 => 960, 2 => 1920, _ => 2880 },
            < 16 => (config & 1) == 0 ? 480 : 960,
            _ => 120 << (config & 3),
        };
        var frames = (packet[0] & 3) switch
        {
            0 => 1,
            1 or 2 => 2,
            _ => packet.Length > 1 ? packet[1] & 0x3F : throw new InvalidDataException("an Opus code-3 packet has no frame count"),
        };
        return frame * frames;
    }
}
