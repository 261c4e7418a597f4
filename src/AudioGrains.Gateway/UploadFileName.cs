using System.Text;
using AudioGrains.Abstractions;
using Microsoft.Net.Http.Headers;

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

    /// <summary>
    /// The name in a quoted filename parameter: the quotes removed and the quoted pairs \" and \\ undone (Go's
    /// mime/multipart and other writers escape a quote so). Any other backslash stays, so a Windows path is still one.
    /// </summary>
    public static string? Unquoted(string? quoted)
    {
        var name = HeaderUtilities.RemoveQuotes(quoted).Value;
        if (name is null || !name.Contains('\\')) return name;
        var unescaped = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\' && i + 1 < name.Length && name[i + 1] is '"' or '\\') i++;
            unescaped.Append(name[i]);
        }
        return unescaped.ToString();
    }

    /// <summary>The download's name: the upload's stem with the output format's extension.</summary>
    public static string ForDownload(string? uploadName, string extension)
    {
        var stem = Path.GetFileNameWithoutExtension(uploadName ?? "");
        return (stem.Length > 0 ? stem : "output") + extension;
    }

    private static AudioGrainsException Invalid(string message) => new(ErrorCodes.InvalidRequest, message);
}
