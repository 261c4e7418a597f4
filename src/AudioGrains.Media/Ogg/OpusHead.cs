using System.Buffers.Binary;

namespace AudioGrains.Media.Ogg;

/// <summary>The identification header of an Ogg Opus stream (RFC 7845 §5.1): the fields the assembly needs.</summary>
public sealed record OpusHead(int Channels, int PreSkip, int InputSampleRate)
{
    public static OpusHead Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 19 || !packet[..8].SequenceEqual("OpusHead"u8))
            throw new InvalidDataException("the first Ogg packet is not an OpusHead");
        if (packet[8] >> 4 != 0) throw new InvalidDataException($"OpusHead version {packet[8]} is not supported");
        return new OpusHead(packet[9], BinaryPrimitives.ReadUInt16LittleEndian(packet[10..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(packet[12..]));
    }
}
