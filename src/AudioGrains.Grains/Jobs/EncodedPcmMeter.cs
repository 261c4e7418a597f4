using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Media;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Measures a PCM output (WAV float, WAV 16-bit, FLAC 16-bit) from the samples given to its encoder, as the file will
/// hold them: float WAV stores them as they are; 16-bit stores round(x · 32768) clipped to the int16 range (ffmpeg's
/// float-to-s16 conversion, no dither), so those values are measured. The result equals a decode of the file, without
/// an ffprobe and an ffmpeg decode per job: for a batch of short clips those two process starts were about 40 % of a
/// job's CPU time. Mono and stereo only, whose channel weights are 1 whatever the layout.
/// </summary>
public sealed class EncodedPcmMeter
{
    private readonly LoudnessMeter _meter;
    private readonly bool _sixteenBit;
    private float[] _quantized = [];

    private EncodedPcmMeter(int sampleRate, int channels, bool sixteenBit)
    {
        _meter = new LoudnessMeter(sampleRate, channels) { SplitTruePeak = true };
        _sixteenBit = sixteenBit;
    }

    /// <summary>A meter when the format stores the samples losslessly (as float or 16-bit), else null: the file is measured.</summary>
    public static EncodedPcmMeter? For(OutputFormat format, int sampleRate, int channels) => channels is 1 or 2
        ? format switch
        {
            OutputFormat.Wav => new EncodedPcmMeter(sampleRate, channels, sixteenBit: false),
            OutputFormat.WavS16 or OutputFormat.Flac => new EncodedPcmMeter(sampleRate, channels, sixteenBit: true),
            _ => null,
        }
        : null;

    public void Add(ReadOnlySpan<float> samples)
    {
        if (!_sixteenBit)
        {
            _meter.Add(samples);
            return;
        }
        if (_quantized.Length < samples.Length) _quantized = new float[samples.Length];
        var quantized = _quantized.AsSpan(0, samples.Length);
        for (var i = 0; i < samples.Length; i++) quantized[i] = ToSixteenBit(samples[i]);
        _meter.Add(quantized);
    }

    public LoudnessReport Result() => _meter.Result().ToReport();

    /// <summary>The value a 16-bit file holds for a float sample, read back as float (libswresample: av_clip_int16(lrintf(x · 32768)), then / 32768).</summary>
    public static float ToSixteenBit(float sample) => WavFileOutput.ToInt16(sample) / 32768f;
}
