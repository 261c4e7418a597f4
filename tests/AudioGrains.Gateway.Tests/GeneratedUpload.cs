using System.Text;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A multipart/form-data body with one file part of <paramref name="fileBytes"/> bytes, made on demand as it is read
/// (never held in memory), counting what it has produced.
/// </summary>
public sealed class GeneratedUpload(long fileBytes) : Stream
{
    private readonly byte[] _head = Encoding.ASCII.GetBytes(
        $"--{MultipartBody.Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.wav\"\r\nContent-Type: audio/wav\r\n\r\n");

    private readonly byte[] _tail = Encoding.ASCII.GetBytes($"\r\n--{MultipartBody.Boundary}--\r\n");

    /// <summary>Bytes produced so far.</summary>
    public long Produced { get; private set; }

    public override long Length => _head.Length + fileBytes + _tail.Length;

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, Length - Produced);
        for (var i = 0; i < n; i++)
        {
            var at = Produced + i;
            buffer[i] = at < _head.Length ? _head[at]
                : at < _head.Length + fileBytes ? (byte)(at * 31)
                : _tail[at - _head.Length - fileBytes];
        }
        Produced += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Position { get => Produced; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
