namespace AudioGrains.Media;

/// <summary>Where interleaved float PCM becomes an output file: an ffmpeg encode (<see cref="PcmEncodingSession"/>) or a WAV written in-process (<see cref="WavFileOutput"/>).</summary>
public interface IPcmOutput : IAsyncDisposable
{
    /// <summary>Feeds interleaved samples, whole frames only; the caller's memory is not held.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken ct);

    /// <summary>Finishes the file and renames it into place. Disposing without completing leaves nothing behind.</summary>
    Task CompleteAsync(CancellationToken ct);
}
