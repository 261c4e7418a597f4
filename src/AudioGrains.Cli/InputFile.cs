using AudioGrains.Abstractions;

namespace AudioGrains.Cli;

/// <summary>Checks the input path before any work starts, so a typo costs nothing.</summary>
public static class InputFile
{
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new AudioGrainsException(ErrorCodes.InvalidMedia, $"\"{Path.GetFileName(path)}\" is a directory, not a media file");
        if (!File.Exists(full))
            throw new AudioGrainsException(ErrorCodes.InputNotFound, $"no such file \"{path}\"");
        return full;
    }
}
