namespace AudioGrains.Media.Ogg;

/// <summary>
/// The CRC-32 of Ogg pages (RFC 3533 §6): polynomial 0x04C11DB7, most significant bit first, initial value 0,
/// no final XOR. Not the reflected CRC-32 of zip and Ethernet, which System.IO.Hashing.Crc32 computes.
/// </summary>
public static class OggCrc
{
    private static readonly uint[] Table = CreateTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (var b in data) crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
        return crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var r = i << 24;
            for (var bit = 0; bit < 8; bit++) r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            table[i] = r;
        }
        return table;
    }
}
