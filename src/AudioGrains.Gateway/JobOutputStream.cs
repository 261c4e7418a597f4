using AudioGrains.Client;

namespace AudioGrains.Gateway;

/// <summary>
/// A completed job's output as a seekable, read-only stream of known length, read from the cluster in blocks as the
/// response is written: ASP.NET Core serves ranges (206) from it, and memory stays one block whatever the size.
/// </summary>
public sealed class JobOutputStream(AudioGrainsClient client, string jobId, long length, int blockBytes) : Stream
{
    private byte[] _block = [];
    private long _blockStart = -1;

    public override long Length => length;
    public override long Position { get; set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (Position >= length || buffer.Length == 0) return 0;
        if (_blockStart < 0 || Position < _blockStart || Position >= _blockStart + _block.Length)
        {
            _block = await client.ReadOutputAsync(jobId, Position, blockBytes, ct);
            _blockStart = Position;
            if (_block.Length == 0) return 0;
        }
        var from = (int)(Position - _blockStart);
        var n = Math.Min(buffer.Length, _block.Length - from);
        _block.AsMemory(from, n).CopyTo(buffer);
        Position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };
        return Position;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
