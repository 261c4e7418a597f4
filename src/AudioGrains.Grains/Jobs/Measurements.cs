using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Media;

namespace AudioGrains.Grains.Jobs;

/// <summary>Conversions between the DSP's and the media layer's types and the serializable contracts.</summary>
public static class Measurements
{
    public static LoudnessReport ToReport(this LoudnessMeasurement m) => new()
    {
        DurationSeconds = m.DurationSeconds,
        SampleRate = m.SampleRate,
        Channels = m.Channels,
        IntegratedLufs = m.IntegratedLufs,
        LoudnessRangeLu = m.LoudnessRangeLu,
        TruePeakDbtp = m.TruePeakDbtp,
        SamplePeakDbfs = m.SamplePeakDbfs,
    };

    /// <summary>The report of merged chunk or segment statistics, measured at <paramref name="sampleRate"/>.</summary>
    public static LoudnessReport ToReport(this LoudnessMerge m, int sampleRate, int channels) => new()
    {
        DurationSeconds = (double)m.Frames / sampleRate,
        SampleRate = sampleRate,
        Channels = channels,
        IntegratedLufs = m.IntegratedLufs,
        LoudnessRangeLu = m.LoudnessRangeLu,
        TruePeakDbtp = m.TruePeakDbtp,
        SamplePeakDbfs = m.SamplePeakDbfs,
    };

    public static MediaFacts ToFacts(this MediaInfo info) => new()
    {
        FormatName = info.FormatName,
        DurationSeconds = info.DurationSeconds,
        SampleRate = info.SampleRate,
        Channels = info.Channels,
        ChannelLayout = info.ChannelLayout,
        AudioCodec = info.AudioCodec,
        HasVideo = info.HasVideo,
    };

    public static MediaInfo ToInfo(this MediaFacts facts) =>
        new(facts.FormatName, facts.DurationSeconds, facts.SampleRate, facts.Channels, facts.ChannelLayout, facts.AudioCodec, facts.HasVideo);

    /// <summary>Measures a media file as it is (its own rate and channels), streaming.</summary>
    public static async Task<LoudnessReport> MeasureFileAsync(MediaProbe probe, PcmDecoder decoder, string path, MediaLimits limits, CancellationToken ct)
    {
        var info = await probe.ProbeAsync(path, limits, ct).ConfigureAwait(false);
        var meter = new LoudnessMeter(info.SampleRate, info.Channels, ChannelWeights.For(info.Channels, info.ChannelLayout)) { SplitTruePeak = true };
        await decoder.StreamNativeAsync(path, info, block => meter.Add(block), ct).ConfigureAwait(false);
        return meter.Result().ToReport();
    }
}
