using Amazon.S3;
using Amazon.S3.Model;

namespace AudioGrains.Storage;

/// <summary>The store's writes: a file put whole (one PutObject, or a multipart upload), and a blob written through a local file.</summary>
public sealed partial class S3BlobStore
{
    public async Task PutFileAsync(string key, string path, CancellationToken ct = default)
    {
        BlobKeys.Validate(key);
        var size = new FileInfo(path).Length;
        if (size <= _options.PartSizeBytes)
            await PutSingleAsync(key, path, ct).ConfigureAwait(false);
        else
            await PutMultipartAsync(key, path, size, ct).ConfigureAwait(false);
    }

    private async Task PutSingleAsync(string key, string path, CancellationToken ct)
    {
        try
        {
            var request = new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                FilePath = path,
                // Plain body with its SHA-256 signed: aws-chunked framing would be stored verbatim by s3rver.
                UseChunkEncoding = false,
            };
            S3LengthStamp.Stamp(request.Metadata, new FileInfo(path).Length);
            await _s3.PutObjectAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsServiceError(e))
        {
            throw Failure("upload of", key, e);
        }
    }

    /// <summary>Parts are read from the file one at a time by the SDK (FilePath + FilePosition): memory stays flat.</summary>
    private async Task PutMultipartAsync(string key, string path, long size, CancellationToken ct)
    {
        var partSize = Math.Max(_options.PartSizeBytes, (size + MaxParts - 1) / MaxParts);
        string uploadId;
        try
        {
            var initiate = new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key };
            S3LengthStamp.Stamp(initiate.Metadata, size);
            var started = await _s3.InitiateMultipartUploadAsync(initiate, ct).ConfigureAwait(false);
            uploadId = started.UploadId;
        }
        catch (Exception e) when (IsServiceError(e))
        {
            throw Failure("multipart upload start of", key, e);
        }
        try
        {
            var parts = new List<PartETag>();
            var number = 1;
            for (long position = 0; position < size; position += partSize, number++)
            {
                ct.ThrowIfCancellationRequested();
                var part = await _s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    FilePath = path,
                    FilePosition = position,
                    PartSize = Math.Min(partSize, size - position),
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                parts.Add(new PartETag(number, part.ETag));
            }
            ct.ThrowIfCancellationRequested();
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            if (IsServiceError(e)) throw Failure("multipart upload of", key, e);
            throw;
        }
    }

    /// <summary>
    /// Best effort, not cancellable (the caller's token may be what failed): an upload left pending costs storage
    /// until a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes it. s3rver 3.7.1 has no abort
    /// (it answers MethodNotAllowed) and keeps the parts; real S3 and MinIO drop them.
    /// </summary>
    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsServiceError(e) || e is OperationCanceledException)
        {
            // The original failure is what the caller needs to see.
        }
    }

    /// <summary>A write to a private local file, uploaded on commit; the file is deleted either way.</summary>
    private sealed class S3BlobWrite : IBlobWrite
    {
        private readonly S3BlobStore _store;
        private readonly string _key;
        private readonly string _temp;
        private readonly FileStream _stream;
        private bool _done;

        public S3BlobWrite(S3BlobStore store, string key)
        {
            _store = store;
            _key = key;
            _stream = store.CreateTempFile(out _temp);
        }

        public Stream Stream => _stream;

        public async Task CommitAsync(CancellationToken ct = default)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            ct.ThrowIfCancellationRequested();
            await _stream.FlushAsync(ct).ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            try
            {
                await _store.PutFileAsync(_key, _temp, ct).ConfigureAwait(false);
            }
            finally
            {
                _done = true;
                FileSystemBlobStore.TryDelete(_temp);
            }
        }

        // An uncommitted write's bytes are dropped: a flush that fails here (the disk is full) must not keep the file.
        public void Dispose()
        {
            try
            {
                _stream.Dispose();
            }
            catch (IOException) when (!_done)
            {
            }
            finally
            {
                _done = true;
                FileSystemBlobStore.TryDelete(_temp);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException) when (!_done)
            {
            }
            finally
            {
                _done = true;
                FileSystemBlobStore.TryDelete(_temp);
            }
        }
    }
}
