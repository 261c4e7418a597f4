using System.Globalization;
using AudioGrains.Abstractions;
using FFMpegCore;
using FFMpegCore.Enums;

namespace AudioGrains.Media;

/// <summary>
/// Decodes the first audio stream of a probed input to raw f32le PCM in one sequential ffmpeg pass. Sequential decoding
/// is what makes chunk boundaries exact later: seeking into compressed audio is not bit-exact.
/// </summary>
public sealed class PcmDecoder
{
    /// <summary>A decode runs this far past the duration limit, so a file that lies about its length is caught, not cut.</summary>
    private const double LimitMarginSeconds = 1;

    private readonly FfmpegOptions _options;
    private readonly MediaLimits _limits;

    public PcmDecoder(FfmpegOptions options) : this(options, new MediaLimits())
    {
    }

    /// <param name="limits">Caps the decoded length too: a container may understate its duration, or not state it.</param>
    public PcmDecoder(FfmpegOptions options, MediaLimits limits)
    {
        _options = options.Validated();
        _limits = limits.Validated();
    }

    /// <summary>
    /// Decodes <paramref name="inputPath"/>, downmixed and resampled to <paramref name="target"/>, into
    /// <paramref name="outputPath"/> (raw f32le, renamed into place only when complete). When <paramref name="nativeSink"/>
    /// is given, the same pass also streams the audio at its own rate and channel count to it, in whole-frame blocks.
    /// Downmix to mono is the plain mean of the channels (a stereo signal with equal channels keeps its level); mono to
    /// more channels copies; other channel changes use ffmpeg's standard matrix. Returns the frames written.
    /// </summary>
    public async Task<long> DecodeAsync(string inputPath, MediaInfo info, PcmFormat target, string outputPath,
        Action<ReadOnlySpan<float>>? nativeSink, CancellationToken ct)
    {
        target.Validated();
        var input = RequireDecodable(inputPath, info);
        using var output = new TemporaryOutputFile(outputPath);

        var filter = TargetFilter(info.NativeFormat, target);
        var file = FfmpegCommandLine.Quoted("file:" + output.TempPath);
        var commandLine = nativeSink is null
            ? DecodeInput(input, info).OutputToFile(file, overwrite: true, o => TargetOutput(o, filter, target)).Arguments
            // Second output of the same command: both outputs are fed from one sequential decode.
            : DecodeInput(input, info).OutputToMany(outputs => outputs
                .OutputToFile(file, overwrite: true, o => TargetOutput(o, filter, target))
                .OutputToUrl("pipe:1", o => NativeOutput(o, info))).Arguments;

        await using (var process = StartDecode(commandLine, input, info, readsOutput: nativeSink is not null, ct))
        {
            var native = nativeSink is null
                ? (Frames: 0L, LeftoverBytes: 0)
                : await PcmBlockReader.PumpAsync(process.Output, info.Channels, nativeSink, process.Stopping).ConfigureAwait(false);
            await RequireSuccessAsync(process, input).ConfigureAwait(false);
            if (native.LeftoverBytes != 0)
                throw new AudioGrainsException(ErrorCodes.ProcessingFailed, $"ffmpeg's native stream of \"{input.FileName}\" ended inside a frame");
            RequireWithinLimit(input, native.Frames, info.SampleRate);
        }

        var length = output.Length;
        if (length % target.BytesPerFrame != 0)
            throw new AudioGrainsException(ErrorCodes.ProcessingFailed, $"the decoded PCM of \"{input.FileName}\" ends inside a frame");
        var frames = length / target.BytesPerFrame;
        if (frames == 0) throw MediaErrors.NothingDecoded(input.FileName);
        RequireWithinLimit(input, frames, target.SampleRate);
        output.Commit();
        return frames;
    }

    /// <summary>
    /// Streams the first audio stream at its own rate and channel count (<see cref="MediaInfo.NativeFormat"/>) to
    /// <paramref name="sink"/> in whole-frame blocks, writing no file. Returns the frames delivered.
    /// </summary>
    public async Task<long> StreamNativeAsync(string inputPath, MediaInfo info, Action<ReadOnlySpan<float>> sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var input = RequireDecodable(inputPath, info);
        var commandLine = DecodeInput(input, info)
            .OutputToUrl("pipe:1", o => NativeOutput(o, info))
            .Arguments;

        await using var process = StartDecode(commandLine, input, info, readsOutput: true, ct);
        var (frames, leftoverBytes) = await PcmBlockReader.PumpAsync(process.Output, info.Channels, sink, process.Stopping).ConfigureAwait(false);
        await RequireSuccessAsync(process, input).ConfigureAwait(false);
        if (leftoverBytes != 0)
            throw new AudioGrainsException(ErrorCodes.ProcessingFailed, $"ffmpeg's native stream of \"{input.FileName}\" ended inside a frame");
        if (frames == 0) throw MediaErrors.NothingDecoded(input.FileName);
        RequireWithinLimit(input, frames, info.SampleRate);
        return frames;
    }

    private static InputFile RequireDecodable(string inputPath, MediaInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var input = InputFile.Require(inputPath);
        // MediaInfo may come from stored job state rather than a fresh probe: the whitelist is checked again.
        if (!AcceptedInputFormats.Accepts(info.FormatName)) throw MediaErrors.UnsupportedFormat(input.FileName, info.FormatName);
        if (info.SampleRate <= 0 || info.Channels <= 0) throw MediaErrors.InvalidMedia(input.FileName, "its audio stream has no sample rate or channel count");
        return input;
    }

    /// <summary>
    /// Common start of every decode: quiet, single filter thread, and an input pinned to the probed demuxer ("-f") under
    /// both whitelists, so ffmpeg can neither re-detect another demuxer nor open anything but the input file.
    /// </summary>
    private FFMpegArguments DecodeInput(InputFile input, MediaInfo info) =>
        FFMpegArguments.FromUrlInput(FfmpegCommandLine.Quoted(input.Url), o => o
            .WithCustomArgument(FfmpegCommandLine.Join("-nostdin", "-hide_banner", "-loglevel", "error", "-filter_threads", "1"))
            .WithThreads(_options.Threads)
            .WithCustomArgument(FfmpegCommandLine.Join(
                "-protocol_whitelist", "file,pipe", "-format_whitelist", AcceptedInputFormats.Whitelist, "-f", info.Demuxer)));

    /// <summary>The first audio stream, downmixed and resampled by <paramref name="filter"/> to <paramref name="target"/>.</summary>
    private void TargetOutput(FFMpegOutputOptions output, string filter, PcmFormat target)
    {
        output.WithMap(0, StreamType.Audio, 0);
        if (filter.Length > 0) output.WithCustomArgument(FfmpegCommandLine.Join("-af", filter));
        PcmOutput(output, target);
    }

    /// <summary>
    /// The first audio stream as it is, for the native sink on stdout. Not flushed after every packet (ffmpeg's default
    /// for a pipe): 32 KB writes instead of one per packet took the decode of 1 h of AAC with both outputs from 5.86 to
    /// 5.18 s; with <see cref="PcmBlockReader"/>'s reader thread, 1 MiB pipe and short pause after short reads the decode
    /// step is 1.5x ffmpeg's bare decode (docs/benchmarks.md, issue 10).
    /// </summary>
    private void NativeOutput(FFMpegOutputOptions output, MediaInfo info) =>
        PcmOutput(output.WithMap(0, StreamType.Audio, 0).WithCustomArgument(FfmpegCommandLine.Join("-flush_packets", "0")), info.NativeFormat);

    /// <summary>
    /// Raw f32le at <paramref name="format"/>, capped just past the duration limit. -ar/-ac are also set on the native
    /// output so a stream that changes rate or layout midway still comes out in the format the sink was promised.
    /// </summary>
    private void PcmOutput(FFMpegOutputOptions output, PcmFormat format) => output
        .WithAudioSamplingRate(format.SampleRate)
        .WithAudioChannels(format.Channels)
        .WithCustomArgument(FfmpegCommandLine.Join(
            "-c:a", "pcm_f32le",
            "-t", (_limits.MaxDurationSeconds + LimitMarginSeconds).ToString("R", CultureInfo.InvariantCulture),
            "-f", "f32le"));

    /// <summary>The -af chain from the native format to the target: channel mix first (fewer samples to resample), then rate.</summary>
    internal static string TargetFilter(PcmFormat native, PcmFormat target)
    {
        var steps = new List<string>();
        if (native.Channels != target.Channels)
        {
            if (target.Channels == 1)
            {
                var weight = (1.0 / native.Channels).ToString("R", CultureInfo.InvariantCulture);
                steps.Add("pan=mono|c0=" + string.Join('+', Enumerable.Range(0, native.Channels).Select(c => $"{weight}*c{c}")));
            }
            else if (native.Channels == 1)
            {
                steps.Add($"pan={target.Channels}c|" + string.Join('|', Enumerable.Range(0, target.Channels).Select(c => $"c{c}=c0")));
            }
            // Otherwise the output's -ac lets ffmpeg apply its standard downmix/upmix matrix.
        }
        if (native.SampleRate != target.SampleRate)
            steps.Add("aresample=" + target.SampleRate.ToString(CultureInfo.InvariantCulture));
        return string.Join(',', steps);
    }

    private ExternalProcess StartDecode(string commandLine, InputFile input, MediaInfo info, bool readsOutput, CancellationToken ct)
    {
        // The native stream stays on stdout (pipe:1): FFMpegCore's pipe sink, a Unix socket served by its runner, took
        // 8.59 s against 7.90 s to decode 1 h of AAC with the native sink (median of 7; 7.32 against 6.31 s in a quieter
        // first run), same PCM. The runner is ExternalProcess for the reasons given there.
        // A stated duration sets the deadline; an unknown one gets the deadline of the longest accepted input.
        var timeout = _options.TimeoutFor(info.DurationKnown ? info.DurationSeconds : _limits.MaxDurationSeconds);
        return ExternalProcess.Start(_options.FfmpegPath, commandLine, input.FileName, timeout, readsOutput, ct);
    }

    private static async Task RequireSuccessAsync(ExternalProcess process, InputFile input)
    {
        var exitCode = await process.WaitForExitAsync().ConfigureAwait(false);
        if (exitCode != 0) throw MediaErrors.RunFailed("decode", input.FileName, process.ErrorText, input.FullPath, blameInput: true);
    }

    private void RequireWithinLimit(InputFile input, long frames, int sampleRate)
    {
        var seconds = (double)frames / sampleRate;
        // Half the margin: resampling may add a frame, the -t cap stops a liar one margin past the limit.
        if (seconds > _limits.MaxDurationSeconds + LimitMarginSeconds / 2)
            throw MediaErrors.TooLong(input.FileName, seconds, _limits.MaxDurationSeconds);
    }
}
