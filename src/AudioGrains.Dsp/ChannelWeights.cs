namespace AudioGrains.Dsp;

/// <summary>
/// BS.1770 channel weights G_c by ffmpeg channel layout, following ffmpeg's ebur128 filter: 0 for
/// LFE, 1.41 (+1.5 dB) for surround channels (back, side, top back, surround direct), 1 for the rest.
/// </summary>
/// <remarks>
/// Named layouts are in ffmpeg's native order (by channel bit), which is the order decoded PCM is
/// interleaved in; an explicit list such as "FL+FR+LFE" is taken in the order written. A layout that
/// is unknown, or whose channel count disagrees with <c>channels</c>, weighs every channel 1.
/// </remarks>
public static class ChannelWeights
{
    public const double Surround = 1.41;

    // ffmpeg's channel bit numbers, which fix the native interleaving order.
    private static readonly Dictionary<string, int> SpeakerBits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["FL"] = 0, ["FR"] = 1, ["FC"] = 2, ["LFE"] = 3, ["BL"] = 4, ["BR"] = 5, ["FLC"] = 6, ["FRC"] = 7,
        ["BC"] = 8, ["SL"] = 9, ["SR"] = 10, ["TC"] = 11, ["TFL"] = 12, ["TFC"] = 13, ["TFR"] = 14,
        ["TBL"] = 15, ["TBC"] = 16, ["TBR"] = 17, ["DL"] = 29, ["DR"] = 30, ["WL"] = 31, ["WR"] = 32,
        ["SDL"] = 33, ["SDR"] = 34, ["LFE2"] = 35, ["TSL"] = 36, ["TSR"] = 37, ["BFC"] = 38, ["BFL"] = 39,
        ["BFR"] = 40,
    };

    private static readonly HashSet<string> SurroundSpeakers = new(StringComparer.OrdinalIgnoreCase)
    {
        "BL", "BC", "BR", "TBL", "TBC", "TBR", "SL", "SR", "SDL", "SDR",
    };

    private static readonly HashSet<string> LowFrequencySpeakers = new(StringComparer.OrdinalIgnoreCase) { "LFE", "LFE2" };

    private static readonly Dictionary<string, string> NamedLayouts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mono"] = "FC",
        ["stereo"] = "FL+FR",
        ["2.1"] = "FL+FR+LFE",
        ["3.0"] = "FL+FR+FC",
        ["3.0(back)"] = "FL+FR+BC",
        ["4.0"] = "FL+FR+FC+BC",
        ["quad"] = "FL+FR+BL+BR",
        ["quad(side)"] = "FL+FR+SL+SR",
        ["3.1"] = "FL+FR+FC+LFE",
        ["5.0"] = "FL+FR+FC+BL+BR",
        ["5.0(side)"] = "FL+FR+FC+SL+SR",
        ["4.1"] = "FL+FR+FC+LFE+BC",
        ["5.1"] = "FL+FR+FC+LFE+BL+BR",
        ["5.1(side)"] = "FL+FR+FC+LFE+SL+SR",
        ["6.0"] = "FL+FR+FC+BC+SL+SR",
        ["6.0(front)"] = "FL+FR+FLC+FRC+SL+SR",
        ["3.1.2"] = "FL+FR+FC+LFE+TFL+TFR",
        ["hexagonal"] = "FL+FR+FC+BL+BR+BC",
        ["6.1"] = "FL+FR+FC+LFE+BC+SL+SR",
        ["6.1(back)"] = "FL+FR+FC+LFE+BL+BR+BC",
        ["6.1(front)"] = "FL+FR+LFE+FLC+FRC+SL+SR",
        ["7.0"] = "FL+FR+FC+BL+BR+SL+SR",
        ["7.0(front)"] = "FL+FR+FC+FLC+FRC+SL+SR",
        ["7.1"] = "FL+FR+FC+LFE+BL+BR+SL+SR",
        ["7.1(wide)"] = "FL+FR+FC+LFE+BL+BR+FLC+FRC",
        ["7.1(wide-side)"] = "FL+FR+FC+LFE+FLC+FRC+SL+SR",
        ["5.1.2"] = "FL+FR+FC+LFE+BL+BR+TFL+TFR",
        ["octagonal"] = "FL+FR+FC+BL+BR+BC+SL+SR",
        ["cube"] = "FL+FR+BL+BR+TFL+TFR+TBL+TBR",
        ["5.1.4"] = "FL+FR+FC+LFE+BL+BR+TFL+TFR+TBL+TBR",
        ["7.1.2"] = "FL+FR+FC+LFE+BL+BR+SL+SR+TFL+TFR",
        ["7.1.4"] = "FL+FR+FC+LFE+BL+BR+SL+SR+TFL+TFR+TBL+TBR",
        ["7.2.3"] = "FL+FR+FC+LFE+BL+BR+SL+SR+TFL+TFR+TBC+LFE2",
        ["9.1.4"] = "FL+FR+FC+LFE+BL+BR+FLC+FRC+SL+SR+TFL+TFR+TBL+TBR",
        ["hexadecagonal"] = "FL+FR+FC+BL+BR+BC+SL+SR+TFL+TFC+TFR+TBL+TBC+TBR+WL+WR",
        ["downmix"] = "DL+DR",
    };

    public static double[] For(int channels, string? channelLayout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        var speakers = Speakers(channelLayout);
        var weights = new double[channels];
        if (speakers is null || speakers.Length != channels)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }
        for (var c = 0; c < channels; c++) weights[c] = WeightOf(speakers[c]);
        return weights;
    }

    /// <summary>The weight of one speaker by its ffmpeg name (FL, LFE, SL, …).</summary>
    public static double WeightOf(string speaker)
        => LowFrequencySpeakers.Contains(speaker) ? 0 : SurroundSpeakers.Contains(speaker) ? Surround : 1;

    /// <summary>Speakers in interleaving order, or null when the layout is not recognised.</summary>
    public static string[]? Speakers(string? channelLayout)
    {
        if (string.IsNullOrWhiteSpace(channelLayout)) return null;
        var name = channelLayout.Trim();
        if (NamedLayouts.TryGetValue(name, out var named))
        {
            var native = named.Split('+');
            Array.Sort(native, (a, b) => SpeakerBits[a].CompareTo(SpeakerBits[b]));
            return native;
        }
        var listed = name.Split('+', StringSplitOptions.TrimEntries);
        foreach (var speaker in listed)
            if (!SpeakerBits.ContainsKey(speaker)) return null;
        return listed;
    }
}
