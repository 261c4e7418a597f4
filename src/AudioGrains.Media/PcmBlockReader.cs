using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace AudioGrains.Media;

/// <summary>
/// Reads f32le PCM from a pipe and hands it on in blocks of whole frames, through a few fixed buffers, so memory stays
/// flat however long the stream is. A thread of its own reads while the sink works on the previous block: the writer
/// (ffmpeg) is never held up by the sink until every buffer is full.
/// </summary>
internal static class PcmBlockReader
{
    /// <summary>
    /// Four 1 MiB buffers: about 12 ms of 44.1 kHz stereo float each, enough to keep the writer going while the sink
    /// works on a block; 4 MiB in all whatever the length of the stream.
    /// </summary>
    private const int BufferBytes = 1024 * 1024;
    private const int BufferCount = 4;

    /// <summary>
    /// After a short read the reader waits this long, so the pipe fills up rather than waking the reader for every 32 KB
    /// write. Short, because ffmpeg fills the 1 MiB pipe in about 2 ms and then waits: decoding 1 h of AAC to a null
    /// sink took 3.58 s with 0.5 ms, 3.57 s with 1 ms, 4.26 s with 2 ms, 5.66 s with 4 ms, 3.74 s without a pause
    /// (ffmpeg alone, 16 kHz output only: 2.65 s).
    /// </summary>
    private static readonly TimeSpan ShortReadPause = TimeSpan.FromMicroseconds(500);
    private const int ShortReadBytes = 256 * 1024;

    /// <summary>The pipe's kernel buffer is raised to this (Linux's default cap for unprivileged processes), so ffmpeg can write through the pause.</summary>
    private const int PipeBytes = 1024 * 1024;

    /// <summary>Delivers every whole frame of <paramref name="stream"/> to <paramref name="sink"/>; returns the frames delivered.</summary>
    /// <param name="stopping">When it fires, delivery stops at once (the child is being killed).</param>
    /// <param name="leftoverBytes">Bytes of an incomplete last frame (0 for a stream that ended cleanly).</param>
    public static async Task<(long Frames, int LeftoverBytes)> PumpAsync(Stream stream, int channels,
        Action<ReadOnlySpan<float>> sink, CancellationToken stopping)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("f32le PCM is read in place, which needs a little-endian machine");
        var bytesPerFrame = channels * sizeof(float);
        if (bytesPerFrame > BufferBytes) throw new ArgumentOutOfRangeException(nameof(channels), channels, "a frame must fit in one buffer");
        TryEnlargePipe(stream);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var blocks = new BlockQueue(bytesPerFrame);
        var reader = Task.Factory.StartNew(() => blocks.ReadAll(stream, stop.Token), stop.Token,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        long frames = 0;
        try
        {
            await foreach (var block in blocks.Filled.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                sink(MemoryMarshal.Cast<byte, float>(block.Buffer.AsSpan(0, block.Count)));
                frames += block.Count / bytesPerFrame;
                blocks.Return(block.Buffer);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The child is being killed: what was delivered stands, the caller reports why it stopped.
            return (frames, 0);
        }
        finally
        {
            // A sink that threw leaves the reader waiting for a buffer: release it. One blocked in a read ends when the
            // caller kills the child.
            await stop.CancelAsync().ConfigureAwait(false);
        }
        return (frames, await reader.ConfigureAwait(false));
    }

    /// <summary>The buffers, the queue of filled blocks, and the reading thread's loop.</summary>
    private sealed class BlockQueue(int bytesPerFrame)
    {
        private readonly ConcurrentQueue<byte[]> _free = new();
        private readonly SemaphoreSlim _freeCount = new(BufferCount);
        private readonly Channel<(byte[] Buffer, int Count)> _filled =
            Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(BufferCount) { SingleReader = true, SingleWriter = true });

        public ChannelReader<(byte[] Buffer, int Count)> Filled => _filled.Reader;

        public void Return(byte[] buffer)
        {
            _free.Enqueue(buffer);
            _freeCount.Release();
        }

        /// <summary>Reads to the end of the stream in whole-frame blocks; returns the bytes of an incomplete last frame.</summary>
        public int ReadAll(Stream stream, CancellationToken stop)
        {
            Span<byte> carry = stackalloc byte[bytesPerFrame];
            var carried = 0;
            try
            {
                while (true)
                {
                    var buffer = Rent(stop);
                    carry[..carried].CopyTo(buffer);
                    var (filled, ended) = Fill(stream, buffer, carried, stop);
                    var whole = filled - filled % bytesPerFrame;
                    carried = filled - whole;
                    buffer.AsSpan(whole, carried).CopyTo(carry);
                    if (whole > 0)
                    {
                        if (!_filled.Writer.TryWrite((buffer, whole))) throw new InvalidOperationException("more blocks than buffers");
                    }
                    else
                    {
                        Return(buffer);
                    }
                    if (ended) return carried;
                }
            }
            finally
            {
                _filled.Writer.TryComplete();
            }
        }

        private byte[] Rent(CancellationToken stop)
        {
            _freeCount.Wait(stop);
            if (_free.TryDequeue(out var buffer)) return buffer;
            return GC.AllocateUninitializedArray<byte>(BufferBytes);
        }

        /// <summary>Reads into <paramref name="buffer"/> from <paramref name="start"/> until it is full or the stream ends.</summary>
        private static (int Filled, bool Ended) Fill(Stream stream, byte[] buffer, int start, CancellationToken stop)
        {
            var filled = start;
            while (filled < buffer.Length)
            {
                stop.ThrowIfCancellationRequested();
                var read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0) return (filled, true);
                filled += read;
                if (read < ShortReadBytes && filled < buffer.Length) Thread.Sleep(ShortReadPause);
            }
            return (filled, false);
        }
    }

    private static void TryEnlargePipe(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream { SafePipeHandle: { IsInvalid: false } handle }) return;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            // Best effort: a smaller pipe is only slower.
            _ = SetPipeSize((int)handle.DangerousGetHandle(), FSetPipeSize, PipeBytes);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private const int FSetPipeSize = 1031; // F_SETPIPE_SZ, <linux/fcntl.h>

    // DllImport, not LibraryImport: all arguments are blittable ints, and LibraryImport would need unsafe code.
    [DllImport("libc", EntryPoint = "fcntl")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPipeSize(int fd, int command, int size);
}
