using System.Buffers.Binary;
using System.IO.Compression;

namespace AudioGrains.Testing;

/// <summary>
/// The pixels of a PNG file, enough to check a browser's screenshot: 8-bit RGB or RGBA, not interlaced (what Chromium
/// writes). The IDAT chunks are inflated with zlib and each row is unfiltered (None, Sub, Up, Average, Paeth).
/// </summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _rgba;

    private PngImage(int width, int height, byte[] rgba)
    {
        Width = width;
        Height = height;
        _rgba = rgba;
    }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B, byte A) Pixel(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        var i = (y * Width + x) * 4;
        return (_rgba[i], _rgba[i + 1], _rgba[i + 2], _rgba[i + 3]);
    }

    /// <summary>Pixels in the rectangle within a small RGB distance of <paramref name="hexColour"/> ("#rrggbb"): anti-aliased edges blend, a line's core keeps its colour.</summary>
    public int CountNear(string hexColour, int x0, int y0, int x1, int y1, int tolerance = 24)
    {
        var (r, g, b) = (Convert.ToInt32(hexColour[1..3], 16), Convert.ToInt32(hexColour[3..5], 16), Convert.ToInt32(hexColour[5..7], 16));
        var count = 0;
        for (var y = Math.Max(0, y0); y <= Math.Min(Height - 1, y1); y++)
            for (var x = Math.Max(0, x0); x <= Math.Min(Width - 1, x1); x++)
            {
                var p = Pixel(x, y);
                if (Math.Abs(p.R - r) + Math.Abs(p.G - g) + Math.Abs(p.B - b) <= tolerance) count++;
            }
        return count;
    }

    public static PngImage Read(string path) => Decode(File.ReadAllBytes(path));

    public static PngImage Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(Signature)) throw new InvalidDataException("not a PNG file");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var pos = 8;
        while (pos + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[pos..]);
            var type = System.Text.Encoding.ASCII.GetString(png.Slice(pos + 4, 4));
            if (length < 0 || pos + 12 + length > png.Length) throw new InvalidDataException($"PNG chunk {type} runs past the end of the file");
            var data = png.Slice(pos + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    var (depth, colourType, interlace) = (data[8], data[9], data[12]);
                    if (depth != 8 || colourType is not (2 or 6) || interlace != 0)
                        throw new NotSupportedException($"PNG with bit depth {depth}, colour type {colourType}, interlace {interlace}: only 8-bit RGB/RGBA, not interlaced");
                    channels = colourType == 6 ? 4 : 3;
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    return new PngImage(width, height, Unfilter(Inflate(idat.ToArray()), width, height, channels));
            }
            pos += 12 + length;
        }
        throw new InvalidDataException("PNG without IEND");
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        return raw.ToArray();
    }

    /// <summary>Reverses the per-row filters (PNG spec §9) into RGBA.</summary>
    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0 || channels == 0) throw new InvalidDataException("PNG without a valid IHDR");
        var stride = width * channels;
        if (raw.Length < height * (stride + 1)) throw new InvalidDataException("PNG image data is short");
        var previous = new byte[stride];
        var row = new byte[stride];
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            raw.AsSpan(y * (stride + 1) + 1, stride).CopyTo(row);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                row[i] = filter switch
                {
                    0 => row[i],
                    1 => (byte)(row[i] + left),
                    2 => (byte)(row[i] + up),
                    3 => (byte)(row[i] + (left + up) / 2),
                    4 => (byte)(row[i] + Paeth(left, up, upLeft)),
                    _ => throw new InvalidDataException($"PNG row filter {filter}"),
                };
            }
            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * 4;
                rgba[o] = row[x * channels];
                rgba[o + 1] = row[x * channels + 1];
                rgba[o + 2] = row[x * channels + 2];
                rgba[o + 3] = channels == 4 ? row[x * channels + 3] : (byte)255;
            }
            (previous, row) = (row, previous);
        }
        return rgba;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
