namespace AudioGrains.Media;

/// <summary>
/// An output written under a temporary name in its final folder, made visible by one atomic rename, and deleted when
/// it is not committed: readers never see a half-written file, and failures leave nothing behind.
/// </summary>
internal sealed class TemporaryOutputFile : IDisposable
{
    private bool _committed;

    public TemporaryOutputFile(string finalPath)
    {
        FinalPath = Path.GetFullPath(finalPath);
        var folder = Path.GetDirectoryName(FinalPath) ?? throw new ArgumentException($"\"{finalPath}\" has no folder", nameof(finalPath));
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"the output folder of \"{Path.GetFileName(FinalPath)}\" does not exist");
        // Dot-prefixed and random: never mistaken for an output, never shared by two attempts.
        TempPath = Path.Combine(folder, $".{Path.GetFileName(FinalPath)}.{Guid.NewGuid():N}.tmp");
    }

    public string FinalPath { get; }
    public string TempPath { get; }

    public long Length => File.Exists(TempPath) ? new FileInfo(TempPath).Length : 0;

    /// <summary>Flushes the data to disk (ffmpeg never fsyncs), then renames over any previous output.</summary>
    public void Commit()
    {
        using (var stream = new FileStream(TempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            stream.Flush(flushToDisk: true);
        }
        File.Move(TempPath, FinalPath, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        try
        {
            File.Delete(TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the name is unique and dot-prefixed, so a leftover harms no later attempt.
        }
    }
}
