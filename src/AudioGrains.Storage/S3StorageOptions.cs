namespace AudioGrains.Storage;

/// <summary>
/// Where an <see cref="S3BlobStore"/> keeps its blobs. Defaults here, checked against <see cref="Validate"/>.
/// Credentials are not options: the AWS SDK's default credential chain finds them (AWS_ACCESS_KEY_ID and
/// AWS_SECRET_ACCESS_KEY in the environment, a profile, or the instance's role).
/// </summary>
public sealed record S3StorageOptions
{
    public const long MinPartSizeBytes = 5L * 1024 * 1024;
    public const long MaxPartSizeBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>The S3 endpoint, e.g. "http://127.0.0.1:4568" or "https://s3.eu-west-1.amazonaws.com". Required.</summary>
    public string ServiceUrl { get; init; } = "";

    /// <summary>The bucket that holds the blobs (it must exist). Required.</summary>
    public string Bucket { get; init; } = "";

    /// <summary>The region requests are signed for.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing (endpoint/bucket/key) rather than virtual-host style (bucket.endpoint/key).</summary>
    public bool ForcePathStyle { get; init; } = true;

    /// <summary>Where <see cref="IBlobStore.Create"/> buffers a blob on local disk before it is uploaded.</summary>
    public string TempDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "audiograins-s3");

    /// <summary>
    /// Multipart part size, and the threshold: a file up to this size is one PutObject, a larger one a multipart
    /// upload. S3 wants at least 5 MiB per part (except the last) and at most 10,000 parts: for a file that would
    /// need more, the parts grow.
    /// </summary>
    public long PartSizeBytes { get; init; } = 16L * 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ServiceUrl)) yield return "ServiceUrl is required";
        else if (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return $"ServiceUrl \"{ServiceUrl}\" must be an absolute http or https URL";
        if (string.IsNullOrWhiteSpace(Bucket)) yield return "Bucket is required";
        else if (Bucket.Length is < 3 or > 63 || !Bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
                 || !char.IsAsciiLetterOrDigit(Bucket[0]) || !char.IsAsciiLetterOrDigit(Bucket[^1]))
            yield return $"Bucket \"{Bucket}\" is not a valid bucket name (3 to 63 of a-z, 0-9, '-' and '.', starting and ending with a letter or digit)";
        if (string.IsNullOrWhiteSpace(Region)) yield return "Region is required";
        if (string.IsNullOrWhiteSpace(TempDirectory)) yield return "TempDirectory is required";
        if (PartSizeBytes is < MinPartSizeBytes or > MaxPartSizeBytes) yield return "PartSizeBytes must be from 5 MiB to 5 GiB";
    }
}
