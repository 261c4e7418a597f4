namespace AudioGrains.Abstractions;

/// <summary>Stable, machine-readable error codes. Scripts and clients match on these strings.</summary>
public static class ErrorCodes
{
    public const string InputNotFound = "input-not-found";
    public const string EmptyInput = "empty-input";
    public const string InvalidMedia = "invalid-media";
    public const string NoAudioStream = "no-audio-stream";
    public const string UnsupportedFormat = "unsupported-format";
    public const string TooLong = "too-long";
    public const string TooLarge = "too-large";
    public const string TooManyChannels = "too-many-channels";
    public const string InvalidOptions = "invalid-options";
    public const string InsufficientDisk = "insufficient-disk";
    public const string Timeout = "timeout";
    public const string Cancelled = "cancelled";
    public const string ProcessingFailed = "processing-failed";

    /// <summary>The blob store (S3) did not answer for longer than the cluster waits for it (transient).</summary>
    public const string StorageUnavailable = "storage-unavailable";
    public const string NotFound = "not-found";

    /// <summary>An idempotency key reused for another file or other options.</summary>
    public const string Conflict = "conflict";

    /// <summary>A request the API cannot read: not multipart, truncated, no file, a bad file name.</summary>
    public const string InvalidRequest = "invalid-request";

    /// <summary>The job has no output yet (it is still running, or it failed).</summary>
    public const string NotReady = "not-ready";

    /// <summary>The job's result was deleted after its time to live.</summary>
    public const string Expired = "expired";

    public const string Unauthorized = "unauthorized";

    /// <summary>Too many requests from one client; try again after the Retry-After delay.</summary>
    public const string RateLimited = "rate-limited";

    /// <summary>The cluster has as much work as it takes; try again after the Retry-After delay.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>Permanent errors say something about the input or the request: retrying cannot help.</summary>
    public static bool IsPermanent(string code) => code is InputNotFound or EmptyInput or InvalidMedia
        or NoAudioStream or UnsupportedFormat or TooLong or TooLarge or TooManyChannels or InvalidOptions
        or Cancelled or NotFound or Conflict or InvalidRequest or Expired;
}
