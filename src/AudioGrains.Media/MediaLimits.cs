using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>What an input may be: longer or wider inputs are refused before any decoding.</summary>
public sealed record MediaLimits
{
    public double MaxDurationSeconds { get; init; } = 12 * 3600;
    public int MaxChannels { get; init; } = 16;

    /// <summary>Throws <see cref="AudioGrainsException"/> (invalid-options) naming the first bad value.</summary>
    public MediaLimits Validated()
    {
        if (!double.IsFinite(MaxDurationSeconds) || MaxDurationSeconds <= 0)
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"the maximum duration {MaxDurationSeconds} s is not a positive number");
        if (MaxChannels is < 1 or > 255)
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"the maximum channel count {MaxChannels} is outside 1..255");
        return this;
    }
}
