using System.Runtime.InteropServices;
using AudioGrains.Abstractions;

namespace AudioGrains.Media;

/// <summary>
/// One running encode: PCM goes in with <see cref="WriteAsync"/>, <see cref="CompleteAsync"/> finishes the file and
/// renames it into place. Disposing an uncompleted session kills ffmpeg's process tree and deletes the temporary file.
/// Not thread-safe: one writer.
/// </summary>
public sealed class PcmEncodingSession : IPcmOutput
{
    private const int BufferBytes = 64 * 1024;

    private readonly ExternalProcess _process;
    private readonly PcmInputPipe _pipe;
    private readonly TemporaryOutputFile _output;
    private readonly PcmFormat _input;
    private readonly string _fileName;
    private readonly byte[] _buffer;
    private Stream? _connection;
    private State _state = State.Open;

    /// <summary>Takes over <paramref name="process"/>, which reads <paramref name="pipe"/> (already served), and <paramref name="output"/>.</summary>
    internal PcmEncodingSession(ExternalProcess process, PcmInputPipe pipe, TemporaryOutputFile output, PcmFormat input, string fileName)
    {
        _process = process;
        _pipe = pipe;
        _output = output;
        _input = input;
        _fileName = fileName;
        _buffer = new byte[Math.Max(1, BufferBytes / input.BytesPerFrame) * input.BytesPerFrame];
    }

    private enum State { Open, Completed, Failed, Disposed }

    /// <summary>The final output path (the file exists there only after <see cref="CompleteAsync"/>).</summary>
    public string OutputPath => _output.FinalPath;

    public PcmFormat Input => _input;

    public long FramesWritten { get; private set; }

    /// <summary>Feeds interleaved samples, whole frames only. Copies through one fixed buffer; never holds the caller's memory.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken ct)
    {
        RequireOpen();
        if (samples.Length % _input.Channels != 0)
            throw new ArgumentException($"{samples.Length} samples are not whole frames of {_input.Channels} channels", nameof(samples));

        var samplesPerBlock = _buffer.Length / sizeof(float);
        for (var offset = 0; offset < samples.Length; offset += samplesPerBlock)
        {
            var count = Math.Min(samplesPerBlock, samples.Length - offset);
            MemoryMarshal.AsBytes(samples.Span.Slice(offset, count)).CopyTo(_buffer);
            await SendAsync(_buffer.AsMemory(0, count * sizeof(float)), ct).ConfigureAwait(false);
        }
        FramesWritten += samples.Length / _input.Channels;
    }

    /// <summary>Ends the input, waits for ffmpeg, checks it succeeded, and renames the output into place.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        RequireOpen();
        _state = State.Failed; // until proven otherwise
        var ending = _pipe.EndAsync();
        var exitCode = await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        try
        {
            await ending.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // ffmpeg already left; its exit code and stderr say why.
        }
        if (exitCode != 0) throw Failure();
        if (_output.Length == 0)
            throw new AudioGrainsException(ErrorCodes.ProcessingFailed, $"ffmpeg wrote nothing to \"{_fileName}\"");
        _output.Commit();
        _state = State.Completed;
    }

    /// <summary>Stops an uncompleted encode (its process tree killed and reaped) and deletes its temporary file and socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Disposed) return;
        _state = State.Disposed;
        await _process.DisposeAsync().ConfigureAwait(false);
        await _pipe.DisposeAsync().ConfigureAwait(false);
        _output.Dispose();
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        using var linked = ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct, _process.Stopping) : null;
        var token = linked?.Token ?? _process.Stopping;
        try
        {
            _connection ??= await _pipe.ConnectedAsync(token).ConfigureAwait(false);
            await _connection.WriteAsync(bytes, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _state = State.Failed;
            ct.ThrowIfCancellationRequested();
            if (_process.Stopping.IsCancellationRequested)
            {
                // Out of time: ffmpeg is being killed; the timeout is reported once it is reaped, so nothing outlives it.
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                _process.ThrowIfStopped();
            }
            throw;
        }
        catch (IOException)
        {
            // A broken pipe: ffmpeg died (killed at the deadline, or it failed); find out which.
            _state = State.Failed;
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw Failure();
        }
    }

    private AudioGrainsException Failure() =>
        MediaErrors.RunFailed("encode", _fileName, _process.ErrorText, _output.TempPath, blameInput: false);

    private void RequireOpen()
    {
        if (_state == State.Open) return;
        throw new InvalidOperationException(_state switch
        {
            State.Completed => "the encoding session is already complete",
            State.Disposed => "the encoding session is disposed",
            _ => "the encoding session failed; dispose it",
        });
    }
}
