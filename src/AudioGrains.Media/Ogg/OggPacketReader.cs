using System.Buffers.Binary;

namespace AudioGrains.Media.Ogg;

/// <summary>
/// Reads the packets of a single-stream Ogg file in order (RFC 3533), checking every page's capture pattern,
/// version, serial number and CRC. Holds one page and one packet at a time.
/// </summary>
public sealed class OggPacketReader
{
    private const int HeaderBytes = 27;

    private readonly Stream _stream;
    private readonly byte[] _header = new byte[HeaderBytes];
    private readonly byte[] _lacing = new byte[255];
    private byte[] _page = new byte[HeaderBytes + 255 + 255 * 255];
    private readonly Queue<byte[]> _ready = new();
    private readonly MemoryStream _partial = new();
    private uint? _serial;
    private bool _ended;

    public OggPacketReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>The next packet, or null after the last one.</summary>
    public byte[]? Read()
    {
        while (_ready.Count == 0)
        {
            if (_ended || !ReadPage())
            {
                if (_partial.Length > 0) throw new InvalidDataException("the Ogg stream ends inside a packet");
                return null;
            }
        }
        return _ready.Dequeue();
    }

    private void ReadExactly(byte[] buffer, int offset, int count)
    {
        if (_stream.ReadAtLeast(buffer.AsSpan(offset, count), count, throwOnEndOfStream: false) < count)
            throw new InvalidDataException("the Ogg stream ends inside a page");
    }

    private bool ReadPage()
    {
        var got = _stream.ReadAtLeast(_header, HeaderBytes, throwOnEndOfStream: false);
        if (got == 0) return false;
        if (got < HeaderBytes) throw new InvalidDataException("the Ogg stream ends inside a page header");
        if (!_header.AsSpan(0, 4).SequenceEqual("OggS"u8) || _header[4] != 0)
            throw new InvalidDataException("not an Ogg page (bad capture pattern or version)");
        var flags = _header[5];
        var serial = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(14));
        if (_serial is { } s && s != serial) throw new InvalidDataException("the Ogg file holds more than one logical stream");
        _serial = serial;
        var segments = _header[26];
        ReadExactly(_lacing, 0, segments);
        var bodyBytes = 0;
        for (var i = 0; i < segments; i++) bodyBytes += _lacing[i];

        var pageBytes = HeaderBytes + segments + bodyBytes;
        if (_page.Length < pageBytes) _page = new byte[pageBytes];
        _header.CopyTo(_page, 0);
        _lacing.AsSpan(0, segments).CopyTo(_page.AsSpan(HeaderBytes));
        ReadExactly(_page, HeaderBytes + segments, bodyBytes);
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(_page.AsSpan(22));
        _page.AsSpan(22, 4).Clear();
        if (OggCrc.Compute(_page.AsSpan(0, pageBytes)) != expected) throw new InvalidDataException("an Ogg page fails its CRC check");

        if ((flags & 0x01) == 0 && _partial.Length > 0) throw new InvalidDataException("an Ogg packet is cut off by a page that does not continue it");
        var offset = HeaderBytes + segments;
        for (var i = 0; i < segments; i++)
        {
            _partial.Write(_page, offset, _lacing[i]);
            offset += _lacing[i];
            if (_lacing[i] < 255)
            {
                _ready.Enqueue(_partial.ToArray());
                _partial.SetLength(0);
            }
        }
        if ((flags & 0x04) != 0) _ended = true;
        return true;
    }
}
