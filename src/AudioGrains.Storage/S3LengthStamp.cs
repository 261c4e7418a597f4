using Amazon.S3.Model;

namespace AudioGrains.Storage;

/// <summary>
/// The length a blob was written with, kept in its metadata (x-amz-meta-ag-length). An S3 server must refuse a PUT
/// whose body is shorter than announced, but not every one does: s3rver 3.7.1 writes the body straight into the
/// object's file and its metadata only after the body ended, so a PUT whose writer died (a silo stopped mid-write)
/// leaves whatever arrived. Over an earlier version of the object that is a file shorter than the old stamp; for a
/// first write it is a file with no metadata at all (seen at a scale-down: a chunk's analysis result cut short and
/// taken as done, and the job dead-lettered reading it). Every blob this store writes carries a stamp, so a blob
/// whose stored length differs from its stamp, or that has none, is treated as never written.
/// </summary>
public static class S3LengthStamp
{
    public const string Name = "ag-length";

    public static void Stamp(MetadataCollection metadata, long length) =>
        metadata.Add(Name, length.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>True when the stored length is not the stamped one, or there is no stamp (a first write cut short).</summary>
    public static bool IsTorn(MetadataCollection metadata, long storedLength)
    {
        var stamped = metadata[Name] ?? metadata["x-amz-meta-" + Name];
        return !long.TryParse(stamped, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
               || length != storedLength;
    }

    /// <summary>The whole blob's stored length from a GET's answer: the total of its Content-Range, else its Content-Length.</summary>
    public static long StoredLength(GetObjectResponse response) =>
        response.ContentRange is { } range && range.LastIndexOf('/') is var slash and >= 0
        && long.TryParse(range.AsSpan(slash + 1), out var total)
            ? total
            : response.ContentLength;
}
