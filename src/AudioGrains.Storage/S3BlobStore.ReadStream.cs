using Amazon.S3.Model;

namespace AudioGrains.Storage;

public sealed partial class S3BlobStore
{
    /// <summary>
    /// A GET's body; disposing it disposes the response (and so frees its connection). A connection lost midway
    /// is an IOException that names the blob.
    /// </summary>
    private sealed class S3ReadStream(GetObjectResponse response, S3BlobStore store, string key) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return _inner.Read(buffer);
            }
            catch (Exception e) when (IsServiceError(e) || e is HttpIOException)
            {
                throw store.Failure("read of", key, e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            try
            {
                return await _inner.ReadAsync(buffer, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsServiceError(e) || e is HttpIOException)
            {
                throw store.Failure("read of", key, e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
