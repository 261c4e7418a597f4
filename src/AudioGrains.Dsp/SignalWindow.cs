namespace AudioGrains.Dsp;

/// <summary>
/// A piece of a longer signal: interleaved frames, frame i of <see cref="Interleaved"/> being frame
/// <see cref="FirstFrame"/> + i of the signal. The signal is <see cref="TotalFrames"/> long and zero
/// outside [0, TotalFrames): that is where an STFT's n_fft/2 zero padding happens, at the true ends
/// of the signal only, never at the ends of a window.
/// </summary>
public readonly ref struct SignalWindow
{
    public SignalWindow(ReadOnlySpan<double> interleaved, int channels, long firstFrame, long totalFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (interleaved.Length % channels != 0)
            throw new ArgumentException("Interleaved audio must hold whole frames.", nameof(interleaved));
        ArgumentOutOfRangeException.ThrowIfNegative(firstFrame);
        var frames = interleaved.Length / channels;
        if (firstFrame + frames > totalFrames)
            throw new ArgumentException($"The window [{firstFrame}, {firstFrame + frames}) lies outside the signal [0, {totalFrames}).", nameof(totalFrames));
        Interleaved = interleaved;
        Channels = channels;
        FirstFrame = firstFrame;
        TotalFrames = totalFrames;
    }

    public ReadOnlySpan<double> Interleaved { get; }

    public int Channels { get; }

    /// <summary>Signal frame of the window's first frame.</summary>
    public long FirstFrame { get; }

    /// <summary>Length of the whole signal in frames.</summary>
    public long TotalFrames { get; }

    /// <summary>Frames held.</summary>
    public int Frames => Interleaved.Length / Channels;

    /// <summary>One past the signal frame of the window's last frame.</summary>
    public long EndFrame => FirstFrame + Frames;

    /// <summary>True when the window holds every frame of [from, to) that lies inside the signal.</summary>
    public bool Covers(long from, long to) =>
        Math.Max(from, 0) >= Math.Min(to, TotalFrames) || (Math.Max(from, 0) >= FirstFrame && Math.Min(to, TotalFrames) <= EndFrame);
}
