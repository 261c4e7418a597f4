using AudioGrains.Abstractions;
using AudioGrains.Dsp;
using AudioGrains.Grains.Chunks;
using AudioGrains.Media.Ogg;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// Decides how a job is cut up, from its options and what the probe and the decode found: the working format, the
/// chunk grid, the noise clip in frames, the Opus segments. Pure: plain values in, plain values out.
/// </summary>
public static class JobPlanner
{
    /// <summary>The STFT hop that chunk starts, pre-rolls and the noise clip line up with; 1 without the gate.</summary>
    public static int StftHop(GateSpec? gate, int sampleRate) => gate?.StftHop(sampleRate) ?? 1;

    /// <summary>A separate noise recording is analysed whole, so it is short by rule.</summary>
    public const double MaxNoiseFileSeconds = 60;

    /// <summary>The working PCM's rate and channels, and whether the stereo centre is extracted (voice isolation to mono).</summary>
    public static (int SampleRate, int Channels, bool Centre) WorkingFormat(NormalizeOptions options, MediaFacts media)
    {
        var rate = options.SampleRate ?? media.SampleRate;
        // Voice isolation of stereo to mono extracts the centre, so the stereo image must survive the decode.
        var centre = options.IsolateVoice && options.Mono && media.Channels == 2;
        var channels = options.Mono && !centre ? 1 : media.Channels;
        // MP3 holds two channels: more are downmixed by the decode, so the gain is measured on what is encoded (the
        // encoder's own downmix after the gain left 5.1 about 2.5 LU over the target).
        if (channels > 2 && Media.OutputFormats.Parse(options.OutputFormat) == Media.OutputFormat.Mp3) channels = 2;
        return (rate, channels, centre);
    }

    /// <summary>The layout of a job whose input decoded to <paramref name="frames"/> frames of the working format.</summary>
    public static JobLayout Layout(NormalizeOptions options, MediaFacts media, long frames, double segmentSeconds, string fileName)
    {
        var (rate, channels, centre) = WorkingFormat(options, media);
        var gate = GateFor(options, centre);
        var hop = StftHop(gate, rate);
        var grid = GridFrames(rate, hop);
        var plan = ChunkPlan.Create(frames, rate, options.ChunkSeconds, grid);
        var clip = NoiseClipFrames(options, rate, frames, fileName, hop);
        return new JobLayout
        {
            SampleRate = rate,
            Channels = channels,
            OutputChannels = centre ? 1 : channels,
            ChannelWeights = ChannelWeights.For(channels, channels == media.Channels ? media.ChannelLayout : null),
            TotalFrames = frames,
            ChunkFrames = plan.ChunkFrames,
            GridFrames = grid,
            NoiseClipStartFrame = clip?.Start,
            NoiseClipEndFrame = clip?.End,
            SegmentFrames = SegmentFrames(segmentSeconds, rate),
            Gate = gate,
        };
    }

    /// <summary>Chunks start on the 100 ms loudness block and on the STFT hop (<see cref="StftHop"/>): their least common multiple.</summary>
    public static int GridFrames(int sampleRate, int hop)
    {
        var block = LoudnessSegments.Length(sampleRate);
        return block / (int)System.Numerics.BigInteger.GreatestCommonDivisor(block, hop) * hop;
    }

    /// <summary>The noise clip widened to whole STFT hops and cut at the signal's end; invalid-options when nothing of it is left.</summary>
    public static (long Start, long End)? NoiseClipFrames(NormalizeOptions options, int sampleRate, long frames, string fileName, int hop)
    {
        if (options.NoiseClipStartSeconds is not { } start || options.NoiseClipEndSeconds is not { } end) return null;
        var first = (long)Math.Floor(start * sampleRate / hop) * hop;
        var last = Math.Min(frames, (long)Math.Ceiling(end * sampleRate / hop) * hop);
        if (first >= last)
            throw new AudioGrainsException(ErrorCodes.InvalidOptions,
                $"the noise clip {start:0.###}-{end:0.###} s lies outside \"{fileName}\" ({(double)frames / sampleRate:0.###} s)");
        return (first, last);
    }

    /// <summary>The spectral stage the options ask for, or null when they ask for none.</summary>
    public static GateSpec? GateFor(NormalizeOptions options, bool centre) =>
        options.Denoise == NoiseReduction.Off && !options.IsolateVoice
            ? null
            : new GateSpec
            {
                Mode = options.Denoise,
                Strength = options.DenoiseStrength,
                IsolateVoice = options.IsolateVoice,
                CentreExtraction = centre,
                ThresholdStd = options.DenoiseThresholdStd,
                FreqSmoothHz = options.DenoiseFreqSmoothHz,
                TimeSmoothMs = options.DenoiseTimeSmoothMs,
            };

    /// <summary>Whole Opus packets closest to <paramref name="seconds"/>, at least one.</summary>
    public static int SegmentFrames(double seconds, int sampleRate)
    {
        var packet = OpusSegments.PacketFrames(sampleRate);
        return Math.Max(1, (int)Math.Round(seconds * sampleRate / packet)) * packet;
    }

    /// <summary>Stationary noise reduction needs the analysis pass: its profile and dB floor are global.</summary>
    public static bool NeedsAnalysis(NormalizeOptions options) => options.Denoise == NoiseReduction.Stationary;

    /// <summary>
    /// Opus output is encoded in segments, in parallel across the cluster, and joined into the packets one sequential
    /// encode gives; other formats are cheap to encode and are written in one stream by the assembly.
    /// </summary>
    public static bool EncodesSegments(NormalizeOptions options, int sampleRate) =>
        Media.OutputFormats.Parse(options.OutputFormat) is Media.OutputFormat.Opus or Media.OutputFormat.WebM && OpusSegments.CanSegment(sampleRate);

    /// <summary>The Opus segments: <see cref="JobLayout.SegmentFrames"/> each from the start, the last one shorter.</summary>
    public static IReadOnlyList<(long Start, int Frames)> Segments(long totalFrames, int segmentFrames)
    {
        var length = Math.Max(1, segmentFrames);
        var segments = new List<(long, int)>();
        for (var start = 0L; start < totalFrames; start += length) segments.Add((start, (int)Math.Min(length, totalFrames - start)));
        return segments;
    }

    /// <summary>Pre-roll of an Opus segment: two seconds, or back to the start; whole packets, as segment starts are.</summary>
    public static int SegmentPreRoll(long start, int sampleRate) => (int)Math.Min(start, OpusSegments.PreRollFrames(sampleRate));
}
