namespace AudioGrains.Storage;

public sealed partial class S3BlobStore
{
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
