namespace AudioGrains.Media;

/// <summary>An input that exists and is not empty, with the name messages use. ffmpeg gets it as a "file:" URL so
/// no name can be read as an option or another protocol.</summary>
internal sealed record InputFile(string FullPath, string FileName)
{
    public string Url => "file:" + FullPath;

    /// <param name="path">The file.</param>
    /// <param name="displayName">The name messages use, when not the file's own (a staged copy of the user's file).</param>
    public static InputFile Require(string path, string? displayName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var fileName = string.IsNullOrWhiteSpace(displayName) ? Path.GetFileName(fullPath) : Path.GetFileName(displayName);
        var file = new FileInfo(fullPath);
        if (!file.Exists) throw MediaErrors.InputNotFound(fileName);
        if (file.Length == 0) throw MediaErrors.EmptyInput(fileName);
        return new InputFile(fullPath, fileName);
    }
}
