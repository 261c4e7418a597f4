using System.Text;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A multipart/form-data body written byte by byte, so a test can send the forms no client library makes: a part without
/// a Content-Disposition, control characters in a file name, a body cut off inside a part.
/// </summary>
public sealed class MultipartBody
{
    public const string Boundary = "AudioGrainsTestBoundary7MA4YWxkTrZu0gW";
    public const string ContentType = $"multipart/form-data; boundary={Boundary}";

    private readonly MemoryStream _bytes = new();

    public MultipartBody Field(string name, string value) => Part($"form-data; name=\"{name}\"", Encoding.UTF8.GetBytes(value));

    public MultipartBody Field(string name, byte[] value) => Part($"form-data; name=\"{name}\"", value);

    public MultipartBody File(string fileName, byte[] content, string name = "file") =>
        Part($"form-data; name=\"{name}\"; filename=\"{fileName}\"", content, "Content-Type: application/octet-stream");

    /// <summary>A part as given: the Content-Disposition value (none when null) and other header lines, then the content.</summary>
    public MultipartBody Part(string? disposition, byte[] content, params string[] headers)
    {
        Write($"--{Boundary}\r\n");
        if (disposition is not null) Write($"Content-Disposition: {disposition}\r\n");
        foreach (var header in headers) Write(header + "\r\n");
        Write("\r\n");
        _bytes.Write(content);
        Write("\r\n");
        return this;
    }

    /// <summary>The whole body, closed by the final boundary.</summary>
    public byte[] ToArray() => [.. _bytes.ToArray(), .. Encoding.ASCII.GetBytes($"--{Boundary}--\r\n")];

    /// <summary>The body without its final boundary and the last <paramref name="cut"/> bytes: it ends inside the last part.</summary>
    public byte[] Truncated(int cut) => _bytes.ToArray()[..^(cut + 2)];

    private void Write(string text) => _bytes.Write(Encoding.UTF8.GetBytes(text));
}
