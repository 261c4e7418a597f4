namespace AudioGrains.Cli;

/// <summary>The CLI's output files: written beside their final name and renamed into place, so a reader never sees half a file and a failure leaves none.</summary>
public static class OutputFile
{
    public static async Task WriteAsync(string path, Func<string, Task> write)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
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
}
