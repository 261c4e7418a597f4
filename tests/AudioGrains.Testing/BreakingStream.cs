namespace AudioGrains.Testing;

/// <summary>
/// A file read forward that breaks off after exactly <c>breakAfter</c> bytes, as a dropped connection does (the next
/// read throws <see cref="IOException"/>), or, with <c>cancel</c>, whose reader then gives up (the token is cancelled).
/// </summary>
public sealed class BreakingStream(Stream inner, long breakAfter, CancellationTokenSource? cancel = null) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_read >= breakAfter)
        {
            if (cancel is null) throw new IOException("the connection dropped");
            cancel.Cancel();
        }
        // Up to the break exactly, then on as the file goes for a reader that is giving up.
        var got = inner.Read(_read < breakAfter ? buffer[..(int)Math.Min(buffer.Length, breakAfter - _read)] : buffer);
        _read += got;
        return got;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Read(buffer.Span));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
