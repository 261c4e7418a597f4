using System.Runtime.InteropServices;
using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>
/// A WAV output written in-process, byte for byte what ffmpeg's encode (<see cref="PcmEncoder"/>: -rf64 auto, bitexact,
/// no metadata) writes for the same PCM: RIFF, a 28-byte JUNK chunk (ffmpeg's room for an RF64 ds64), fmt, for float
/// a fact chunk, then data. Float is WAVE_FORMAT_EXTENSIBLE (ffmpeg's rule for more than 16 bits); 16-bit is plain PCM,
/// each sample round(x · 32768) clipped to the int16 range (libswresample's conversion, no dither). Only where that
/// layout is fixed: mono or stereo, at most 48 kHz, under 4 GB; elsewhere ffmpeg writes the file. Saves one ffmpeg
/// process per output: its start alone (dynamic loading of about 200 libraries) costs about 0.2 s of CPU here, a
/// fifth of a short clip's job in a batch.
/// </summary>
public sealed class WavFileOutput : IPcmOutput
{
    private const int BufferSamples = 16 * 1024;
    private const int JunkBytes = 28;
    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;
    /// <summary>KSDATAFORMAT_SUBTYPE_IEEE_FLOAT.</summary>
    private static readonly byte[] FloatSubFormat = [0x03, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71];

    private readonly TemporaryOutputFile _output;
    private readonly FileStream _stream;
    private readonly PcmFormat _input;
    private readonly bool _float;
    private readonly byte[] _buffer;
    private bool _completed;

    private WavFileOutput(string outputPath, OutputFormat format, PcmFormat input)
    {
        _input = input;
        _float = format == OutputFormat.Wav;
        _output = new TemporaryOutputFile(outputPath);
        _stream = new FileStream(_output.TempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        _buffer = new byte[BufferSamples * BytesPerSample];
        var header = Header(0);
        _stream.Write(header);
    }

    public long FramesWritten { get; private set; }

    private int BytesPerSample => _float ? sizeof(float) : sizeof(short);

    /// <summary>Whether this writer makes the file for these parameters (else ffmpeg does).</summary>
    public static bool CanWrite(OutputFormat format, PcmFormat input, long expectedFrames) =>
        format is OutputFormat.Wav or OutputFormat.WavS16
        && input.Channels is 1 or 2
        && input.SampleRate <= 48000
        // ffmpeg switches to RF64 at 4 GB; well below it, so a few frames more than expected cannot cross it.
        && expectedFrames * input.Channels * (format == OutputFormat.Wav ? 4L : 2L) < uint.MaxValue / 2;

    public static WavFileOutput Create(string outputPath, OutputFormat format, PcmFormat input)
    {
        input.Validated();
        if (!CanWrite(format, input, 0)) throw new ArgumentException($"{OutputFormats.Name(format)} with {input.Channels} channels at {input.SampleRate} Hz is written by ffmpeg");
        return new WavFileOutput(outputPath, format, input);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken ct)
    {
        if (_completed) throw new InvalidOperationException("the output is complete");
        if (samples.Length % _input.Channels != 0)
            throw new ArgumentException($"{samples.Length} samples are not whole frames of {_input.Channels} channels", nameof(samples));
        for (var offset = 0; offset < samples.Length; offset += BufferSamples)
        {
            var count = Math.Min(BufferSamples, samples.Length - offset);
            var bytes = Encode(samples.Span.Slice(offset, count));
            await _stream.WriteAsync(_buffer.AsMemory(0, bytes), ct).ConfigureAwait(false);
        }
        FramesWritten += samples.Length / _input.Channels;
        if (_stream.Position > uint.MaxValue - 1024)
            throw new AudioGrainsException(ErrorCodes.ProcessingFailed, "the WAV output passed 4 GB; it needs ffmpeg's RF64");
    }

    public async Task CompleteAsync(CancellationToken ct)
    {
        if (_completed) throw new InvalidOperationException("the output is complete");
        if (FramesWritten == 0) throw new AudioGrainsException(ErrorCodes.ProcessingFailed, $"no audio was written to \"{Path.GetFileName(_output.FinalPath)}\"");
        _stream.Position = 0;
        await _stream.WriteAsync(Header(FramesWritten), ct).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _output.Commit();
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _output.Dispose();
    }

    private int Encode(ReadOnlySpan<float> samples)
    {
        if (_float)
        {
            MemoryMarshal.AsBytes(samples).CopyTo(_buffer);
            return samples.Length * sizeof(float);
        }
        var shorts = MemoryMarshal.Cast<byte, short>(_buffer.AsSpan(0, samples.Length * sizeof(short)));
        for (var i = 0; i < samples.Length; i++) shorts[i] = ToInt16(samples[i]);
        return samples.Length * sizeof(short);
    }

    /// <summary>libswresample's float to s16: av_clip_int16(lrintf(x · 32768)), round half to even.</summary>
    public static short ToInt16(float sample) => (short)Math.Clamp(MathF.Round(sample * 32768f, MidpointRounding.ToEven), short.MinValue, short.MaxValue);

    private byte[] Header(long frames)
    {
        var channels = _input.Channels;
        var blockAlign = channels * BytesPerSample;
        var dataBytes = checked((uint)(frames * blockAlign));
        var fmtBytes = _float ? 40 : 16;
        var factBytes = _float ? 12 : 0;
        var headerBytes = 12 + 8 + JunkBytes + 8 + fmtBytes + factBytes + 8;
        using var memory = new MemoryStream(headerBytes);
        using (var w = new BinaryWriter(memory))   // little-endian on every platform
        {
            w.Write("RIFF"u8); w.Write(checked((uint)(headerBytes - 8 + dataBytes))); w.Write("WAVE"u8);
            w.Write("JUNK"u8); w.Write((uint)JunkBytes); w.Write(new byte[JunkBytes]);
            w.Write("fmt "u8); w.Write((uint)fmtBytes);
            w.Write(_float ? FormatExtensible : FormatPcm);
            w.Write((ushort)channels);
            w.Write((uint)_input.SampleRate);
            w.Write((uint)(_input.SampleRate * blockAlign));
            w.Write((ushort)blockAlign);
            w.Write((ushort)(BytesPerSample * 8));
            if (_float)
            {
                w.Write((ushort)22);                          // cbSize
                w.Write((ushort)(BytesPerSample * 8));        // valid bits
                w.Write(channels == 1 ? 0x4u : 0x3u);         // FC, or FL|FR
                w.Write(FloatSubFormat);
                w.Write("fact"u8); w.Write(4u); w.Write(checked((uint)frames));
            }
            w.Write("data"u8); w.Write(dataBytes);
        }
        return memory.ToArray();
    }
}
