using System.Buffers.Binary;

namespace AudioGrains.Testing;

/// <summary>Reads the samples of a WAV file (float32, or 16-bit scaled to ±1) for sample-by-sample comparisons.</summary>
public sealed record WavFile(int SampleRate, int Channels, float[] Samples)
{
    public static WavFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || BitConverter.ToString(bytes, 0, 4) != "52-49-46-46" || BitConverter.ToString(bytes, 8, 4) != "57-41-56-45")
            throw new InvalidDataException($"{path} is not a RIFF/WAVE file");
        int rate = 0, channels = 0, bits = 0, format = 0;
        var pos = 12;
        while (pos + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos + 4));
            var body = bytes.AsSpan(pos + 8, Math.Min(size, bytes.Length - pos - 8));
            if (id == "fmt ")
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                if (format == 0xFFFE) format = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]);
            }
            else if (id == "data")
            {
                return new WavFile(rate, channels, Decode(body, format, bits));
            }
            pos += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"{path} has no data chunk");
    }

    private static float[] Decode(ReadOnlySpan<byte> data, int format, int bits)
    {
        if (format == 3 && bits == 32)
        {
            var f = new float[data.Length / 4];
            for (var i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
            return f;
        }
        if (format == 1 && bits == 16)
        {
            var f = new float[data.Length / 2];
            for (var i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]) / 32768f;
            return f;
        }
        throw new NotSupportedException($"WAV format {format} with {bits} bits");
    }
}
