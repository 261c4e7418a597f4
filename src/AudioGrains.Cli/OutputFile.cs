using AudioGrains.Abstractions;

namespace AudioGrains.Cli;

/// <summary>The CLI's output files: written beside their final name and renamed into place, so a reader never sees half a file and a failure leaves none.</summary>
public static class OutputFile
{
    public static async Task WriteAsync(string path, Func<string, Task> write)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        // Not named after the output: 38 more characters took a long name (217+ bytes) past the file system's 255.
        var temp = Path.Combine(folder, $".audiograins-{Guid.NewGuid():N}.tmp");
        try
        {
            await write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Refuses, before any work, an output that could not be written (a folder that is a file, a read-only place), so
    /// that a long job does not end in an IO error. Creates nothing: a missing folder is made when the output is written.
    /// </summary>
    public static void CheckWritable(string path)
    {
        if (Directory.Exists(path))
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"\"{path}\" is a folder; name the output file");
        CheckFolderWritable(Path.GetDirectoryName(path)!);
    }

    /// <summary>As <see cref="CheckWritable"/>, for a folder outputs will be written into (made if missing).</summary>
    public static void CheckFolderWritable(string folder)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"cannot write into \"{folder}\": \"{existing}\" is a file, not a folder");
            existing = Path.GetDirectoryName(existing) ?? throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"cannot write into \"{folder}\"");
        }
        try
        {
            using var probe = new FileStream(Path.Combine(existing, $".audiograins-write-check-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
                FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"cannot write into \"{existing}\": {e.Message}");
        }
    }
}
