using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace AudioGrains.Storage;

/// <summary>
/// A blob store in an S3 bucket (or anything that speaks S3: MinIO, s3rver in the tests). A blob is an object whose
/// key is the blob key. Writes are buffered in a local temporary file and uploaded on commit (one PutObject, or a
/// multipart upload for large ones), so a blob appears whole or not at all; reads are ranged GETs streamed from the
/// response. Nothing here holds a whole blob in memory.
/// </summary>
public sealed partial class S3BlobStore : IBlobStore, IDisposable
{
    private const int MaxParts = 10_000;
    private const int MaxDeleteBatch = 1000;

    private readonly S3StorageOptions _options;
    private readonly AmazonS3Client _s3;

    public S3BlobStore(S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException("invalid S3 storage options: " + string.Join("; ", problems), nameof(options));
        _options = options;
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            AuthenticationRegion = options.Region,
            ForcePathStyle = options.ForcePathStyle,
            // SDK v4 defaults to WHEN_SUPPORTED: a CRC32 on every PutObject and UploadPart. s3rver 3.7.1 would cope
            // (it ignores x-amz-checksum-* headers; it is aws-chunked framing that it stores verbatim, hence
            // UseChunkEncoding = false below), but this store's own multipart upload would not, on real S3: parts
            // that carry a checksum need the algorithm declared at CreateMultipartUpload and every part's checksum
            // repeated at CompleteMultipartUpload ("Checksum Type mismatch ... expected checksum Type: null"). So a
            // checksum is sent only where the API demands one (DeleteObjects). Uploads are still checked: with
            // UseChunkEncoding = false, SigV4 signs each body's SHA-256, which S3 verifies.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            // The default, kept: full GETs of objects that S3 stored a checksum for are verified as they stream;
            // ranged GETs never are, and s3rver returns no checksums (nothing to verify, nothing fails).
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_SUPPORTED,
        };
        // No credentials here: the default chain (environment variables, profile, container or instance role).
        _s3 = new AmazonS3Client(config);
        // Its own folder inside the configured one: what a killed silo was writing is deleted when the next one starts there.
        _tempDirectory = OwnedTempFolder.Claim(options.TempDirectory);
    }

    private readonly string _tempDirectory;

    /// <summary>The SDK client, for tests that watch the requests.</summary>
    internal AmazonS3Client Client => _s3;

    /// <summary>Keys per ListObjectsV2 page (S3's own limit is 1000); smaller in tests, to exercise paging.</summary>
    internal int ListPageSize { get; init; } = 1000;

    private string Bucket => _options.Bucket;

    public async Task<Stream> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        BlobKeys.Validate(key);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } l) ArgumentOutOfRangeException.ThrowIfNegative(l, nameof(length));
        if (length == 0)
        {
            // No range can ask for zero bytes; the blob must still exist.
            if (await LengthAsync(key, ct).ConfigureAwait(false) is null) throw new BlobNotFoundException(key);
            return Stream.Null;
        }
        var request = new GetObjectRequest { BucketName = Bucket, Key = key };
        if (length is { } n) request.ByteRange = new ByteRange(offset, offset + n - 1);
        else if (offset > 0) request.ByteRange = new ByteRange($"bytes={offset}-");
        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(request, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e))
        {
            throw new BlobNotFoundException(key, e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The blob is there (or this would be a 404) but the range starts at or past its end (or it is empty),
            // unless it is a torn blob shorter than its stamp.
            return await LengthAsync(key, ct).ConfigureAwait(false) is null ? throw new BlobNotFoundException(key) : Stream.Null;
        }
        catch (Exception e) when (IsServiceError(e))
        {
            throw Failure("read of", key, e);
        }
        if (S3LengthStamp.IsTorn(response.Metadata, S3LengthStamp.StoredLength(response)))
        {
            // Closing checks the body against the ETag's MD5, which a torn blob fails: it is dropped either way.
            try { response.Dispose(); } catch (AmazonClientException) { }
            throw new BlobNotFoundException(key);
        }
        if (offset > 0 || length is not null)
        {
            // "bytes 0-0/0": s3rver 3.7.1 answers a range on an empty blob with a 206 that promises one byte and
            // sends none (reading it fails). The total after '/' says there is nothing to read.
            if (response.ContentRange is { } range && range.LastIndexOf('/') is var slash and >= 0
                && long.TryParse(range.AsSpan(slash + 1), out var total) && offset >= total)
            {
                response.Dispose();
                return Stream.Null;
            }
        }
        return new S3ReadStream(response, this, key);
    }

    public async Task<long?> LengthAsync(string key, CancellationToken ct = default)
    {
        BlobKeys.Validate(key);
        try
        {
            var meta = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key }, ct).ConfigureAwait(false);
            return S3LengthStamp.IsTorn(meta.Metadata, meta.ContentLength) ? null : meta.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // A HEAD has no body, so no error code: a missing bucket looks the same as a missing key here.
            return null;
        }
        catch (Exception e) when (IsServiceError(e))
        {
            throw Failure("length of", key, e);
        }
    }

    public IBlobWrite Create(string key) => new S3BlobWrite(this, BlobKeys.Validate(key));

    public async Task DownloadToFileAsync(string key, string path, CancellationToken ct = default)
    {
        // Opened first: a missing blob leaves no file behind.
        await using var source = await OpenReadAsync(key, ct: ct).ConfigureAwait(false);
        try
        {
            await using var target = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await source.CopyToAsync(target, 1 << 16, ct).ConfigureAwait(false);
        }
        catch
        {
            FileSystemBlobStore.TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// Every page is gathered, then sorted ordinally: S3 returns UTF-8 byte order (which differs from ordinal order
    /// for characters past U+FFFF), and s3rver returns its directory walk order. Only keys are held, not blobs.
    /// </summary>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, MaxKeys = ListPageSize };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _s3.ListObjectsV2Async(request, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsServiceError(e))
            {
                throw Failure("listing of", prefix, e);
            }
            foreach (var o in page.S3Objects ?? []) keys.Add(o.Key);
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) break;
            request.ContinuationToken = page.NextContinuationToken;
        }
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        BlobKeys.Validate(key);
        try
        {
            await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e))
        {
            // Already gone.
        }
        catch (Exception e) when (IsServiceError(e))
        {
            throw Failure("delete of", key, e);
        }
    }

    /// <summary>
    /// Lists the first page under prefix + "/", deletes it (one DeleteObjects per page of up to 1000), and again until
    /// nothing is left: no continuation token is carried across deletes, so no key can be skipped whatever the
    /// server's listing order. Then the blob named prefix itself.
    /// </summary>
    public async Task DeletePrefixAsync(string prefix, CancellationToken ct = default)
    {
        BlobKeys.Validate(prefix);
        var under = prefix + "/";
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = under, MaxKeys = Math.Min(ListPageSize, MaxDeleteBatch) };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _s3.ListObjectsV2Async(request, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsServiceError(e))
            {
                throw Failure("listing of", under, e);
            }
            var keys = (page.S3Objects ?? []).Select(o => o.Key).ToList();
            if (keys.Count == 0) break;
            await DeleteBatchAsync(under, keys, ct).ConfigureAwait(false);
        }
        await DeleteAsync(prefix, ct).ConfigureAwait(false);
    }

    private async Task DeleteBatchAsync(string prefix, List<string> keys, CancellationToken ct)
    {
        DeleteObjectsResponse response;
        try
        {
            response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = Bucket,
                Objects = keys.Select(k => new KeyVersion { Key = k }).ToList(),
                Quiet = true,
            }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed)
        {
            // A server without multi-object delete: one at a time.
            foreach (var key in keys) await DeleteAsync(key, ct).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (IsServiceError(e))
        {
            throw Failure("delete under", prefix, e);
        }
        if (response.DeleteErrors is { Count: > 0 } errors)
        {
            var first = errors[0];
            throw new IOException($"S3 delete under \"{prefix}\" failed for {errors.Count} blob(s), first \"{first.Key}\": {first.Code} {first.Message}");
        }
    }

    public long? AvailableBytes() => null;

    public void Dispose() => _s3.Dispose();

    /// <summary>A new private file in the temporary folder, readable and writable by this user only.</summary>
    private FileStream CreateTempFile(out string path)
    {
        Directory.CreateDirectory(_tempDirectory);
        path = Path.Combine(_tempDirectory, $"{Guid.NewGuid():N}.blob");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 16,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    private static bool IsMissingKey(AmazonS3Exception e) =>
        e.ErrorCode == "NoSuchKey" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket");

    private static bool IsServiceError(Exception e) => e is AmazonServiceException or AmazonClientException or HttpRequestException;

    /// <summary>The key and what S3 said; never the request's signature or credentials.</summary>
    private IOException Failure(string what, string key, Exception e)
    {
        var detail = e is AmazonServiceException s ? $"{(int)s.StatusCode} {s.ErrorCode}: {s.Message}" : e.Message;
        var message = $"S3 {what} \"{key}\" in bucket \"{Bucket}\" failed: {detail}";
        return IsUnavailable(e) ? new BlobStoreUnavailableException(message, e) : new IOException(message, e);
    }

    /// <summary>S3 did not answer, or answered that it cannot now (5xx, throttling): trying later can succeed.</summary>
    private static bool IsUnavailable(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException or HttpIOException or System.Net.Sockets.SocketException or TimeoutException) return true;
            if (x is AmazonServiceException service && ((int)service.StatusCode >= 500 || service.StatusCode == HttpStatusCode.TooManyRequests)) return true;
        }
        return false;
    }
}
