using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>Raw PCM as this layer exchanges it: float32 little-endian, channels interleaved.</summary>
public sealed record PcmFormat(int SampleRate, int Channels)
{
    public const int BytesPerSample = sizeof(float);

    public int BytesPerFrame => Channels * BytesPerSample;

    /// <summary>Throws <see cref="AudioGrainsException"/> (invalid-options) when the rate or channel count is unusable.</summary>
    public PcmFormat Validated()
    {
        if (SampleRate is < 1000 or > 768000)
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"sample rate {SampleRate} Hz is outside 1000..768000");
        if (Channels is < 1 or > 255)
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"channel count {Channels} is outside 1..255");
        return this;
    }

    public override string ToString() => $"{SampleRate} Hz, {Channels} ch, f32le";
}
