using AudioGrains.Abstractions;

namespace AudioGrains.Gateway;

/// <summary>Reads a request's file part and fails with <see cref="ErrorCodes.TooLarge"/> as soon as it passes the limit (not at its end).</summary>
public sealed class UploadLimitStream(Stream inner, long limit) : Stream
{
    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var got = await inner.ReadAsync(buffer, ct);
        Count(got);
        return got;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var got = inner.Read(buffer, offset, count);
        Count(got);
        return got;
    }

    private void Count(int got)
    {
        BytesRead += got;
        if (BytesRead > limit)
            throw new AudioGrainsException(ErrorCodes.TooLarge, $"the upload is larger than the limit of {limit} bytes");
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
