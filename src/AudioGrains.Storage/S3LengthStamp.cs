using Amazon.S3.Model;

namespace AudioGrains.Storage;

/// <summary>
/// The length a blob was written with, kept in its metadata (x-amz-meta-ag-length). An S3 server must refuse a PUT
/// whose body is shorter than announced, but not every one does: s3rver stores whatever arrived before the writer
/// died (seen: a silo stopped mid-PUT left an empty chunk result that a resumed job took as done). A blob whose
/// stored length differs from its stamp is treated as never written.
/// </summary>
public static class S3LengthStamp
{
    public const string Name = "ag-length";

    public static void Stamp(MetadataCollection metadata, long length) =>
        metadata.Add(Name, length.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>True when the metadata carries a stamp and the stored length is not it (a blob written before stamps has none).</summary>
    public static bool IsTorn(MetadataCollection metadata, long storedLength)
    {
        var stamped = metadata[Name] ?? metadata["x-amz-meta-" + Name];
        return long.TryParse(stamped, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
               && length != storedLength;
    }

    /// <summary>The whole blob's stored length from a GET's answer: the total of its Content-Range, else its Content-Length.</summary>
    public static long StoredLength(GetObjectResponse response) =>
        response.ContentRange is { } range && range.LastIndexOf('/') is var slash and >= 0
        && long.TryParse(range.AsSpan(slash + 1), out var total)
            ? total
            : response.ContentLength;
}
