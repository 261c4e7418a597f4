using AudioGrains.Media.Ogg;

namespace AudioGrains.Media.Tests;

/// <summary>The Ogg reader and writer against ffmpeg's own Ogg Opus files.</summary>
public sealed class OggOpusTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reads_every_packet_of_an_ffmpeg_file_and_its_header()
    {
        var path = await OpusFileAsync("tone.opus", seconds: 3);

        var (head, _, packets) = ReadAll(path);

        Assert.Equal(1, head.Channels);
        Assert.Equal(16000, head.InputSampleRate);
        Assert.Equal(312, head.PreSkip); // libopus' look-ahead at 48 kHz
        Assert.Equal(await PacketCountAsync(path), packets.Count);
        Assert.All(packets, p => Assert.Equal(960, OpusPacket.SamplesAt48Khz(p)));
    }

    [Fact]
    public async Task A_corrupted_page_fails_its_crc()
    {
        var path = await OpusFileAsync("tone.opus", seconds: 3);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x10;

        var reader = new OggPacketReader(new MemoryStream(bytes));
        var error = Assert.Throws<InvalidDataException>(() => { while (reader.Read() is not null) { } });
        Assert.Contains("CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewritten_packets_decode_to_the_same_samples_and_length()
    {
        var original = await OpusFileAsync("tone.opus", seconds: 2.5);
        var (head, tags, packets) = ReadAll(original);
        var rewritten = _folder.File("rewritten.opus");
        await using (var stream = File.Create(rewritten))
        {
            var writer = new OggOpusWriter(stream, head.Raw, tags);
            foreach (var packet in packets) writer.WritePacket(packet);
            writer.Finish(head.Head.PreSkip + 40000 * 3); // 2.5 s at 16 kHz, at 48 kHz
        }

        Assert.Equal(await DecodeAsync(original), await DecodeAsync(rewritten));
        Assert.Equal(2.5 * 48000, (await DecodeAsync(rewritten)).Length);
    }

    [Theory]
    [InlineData(new byte[] { 31 << 3 }, 960)]              // CELT FB 20 ms, one frame
    [InlineData(new byte[] { (16 << 3) | 1 }, 240)]        // CELT NB 2.5 ms, two frames
    [InlineData(new byte[] { (1 << 3) | 3, 3 }, 2880)]     // SILK NB 20 ms, three frames (code 3)
    [InlineData(new byte[] { 3 << 3 }, 2880)]              // SILK NB 60 ms
    [InlineData(new byte[] { 13 << 3 }, 960)]              // hybrid SWB 20 ms
    public void Packet_durations_follow_the_toc_byte(byte[] packet, int samples) =>
        Assert.Equal(samples, OpusPacket.SamplesAt48Khz(packet));

    private async Task<string> OpusFileAsync(string name, double seconds)
    {
        var path = _folder.File(name);
        await MediaFactory.FfmpegAsync("-f", "lavfi", "-i", $"aevalsrc=0.3*sin(2*PI*(300+200*t)*t)+0.02*(random(0)-0.5):s=16000:d={MediaFactory.F(seconds)}",
            "-c:a", "libopus", "-b:a", "64k", "-vbr", "off", "-f", "opus", path);
        return path;
    }

    private static (HeadPacket Head, byte[] Tags, List<byte[]> Packets) ReadAll(string path)
    {
        using var file = File.OpenRead(path);
        var reader = new OggPacketReader(file);
        var head = reader.Read()!;
        var tags = reader.Read()!;
        Assert.StartsWith("OpusTags", System.Text.Encoding.ASCII.GetString(tags, 0, 8), StringComparison.Ordinal);
        var packets = new List<byte[]>();
        for (var p = reader.Read(); p is not null; p = reader.Read()) packets.Add(p);
        return (new HeadPacket(OpusHead.Parse(head), head), tags, packets);
    }

    private async Task<int> PacketCountAsync(string path)
    {
        var csv = _folder.File("packets.csv");
        await MediaFactory.FfmpegAsync("-i", path, "-c", "copy", "-f", "framecrc", csv);
        return File.ReadAllLines(csv).Count(line => !line.StartsWith('#'));
    }

    private async Task<float[]> DecodeAsync(string path)
    {
        var raw = _folder.File(Path.GetFileName(path) + ".f32");
        await MediaFactory.FfmpegAsync("-i", path, "-f", "f32le", raw);
        return MediaFactory.ReadRawFloats(raw);
    }
}

internal sealed record HeadPacket(OpusHead Head, byte[] Raw)
{
    public int Channels => Head.Channels;
    public int PreSkip => Head.PreSkip;
    public int InputSampleRate => Head.InputSampleRate;
}
