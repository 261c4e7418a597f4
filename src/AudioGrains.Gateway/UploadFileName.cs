using AudioGrains.Abstractions;

namespace AudioGrains.Gateway;

/// <summary>
/// The name a client gives its upload: kept only for messages and the download name, never used as a path. Refused
/// when it could mislead anything that shows it: separators or traversal, control characters, or longer than a file
/// name can be.
/// </summary>
public static class UploadFileName
{
    public const int MaxLength = 255;

    public static string Checked(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw Invalid("the file has no name (Content-Disposition filename)");
        if (name.Length > MaxLength) throw Invalid($"the file name is {name.Length} characters long; at most {MaxLength} are accepted");
        if (name.Any(char.IsControl)) throw Invalid("the file name holds control characters");
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..") throw Invalid($"the file name \"{JobForm.Printable(name)}\" is a path; send the name alone");
        return name.Trim();
    }

    /// <summary>The download's name: the upload's stem with the output format's extension.</summary>
    public static string ForDownload(string? uploadName, string extension)
    {
        var stem = Path.GetFileNameWithoutExtension(uploadName ?? "");
        return (stem.Length > 0 ? stem : "output") + extension;
    }

    private static AudioGrainsException Invalid(string message) => new(ErrorCodes.InvalidRequest, message);
}
