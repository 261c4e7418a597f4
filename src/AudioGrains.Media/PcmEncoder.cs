using System.Globalization;
using AudioGrains.Abstractions;
using FFMpegCore;
using FFMpegCore.Enums;

namespace AudioGrains.Media;

/// <summary>
/// Encodes f32le PCM, fed to ffmpeg through FFMpegCore's pipe source (<see cref="PcmInputPipe"/>), to an output file.
/// Every format is written bit-exact (no encoder version, fixed stream serials and ids, no metadata), so identical PCM
/// always gives identical bytes.
/// </summary>
public sealed class PcmEncoder
{
    private static readonly int[] OpusRates = [8000, 12000, 16000, 24000, 48000];
    private static readonly int[] Mp3Rates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

    private readonly FfmpegOptions _options;

    public PcmEncoder(FfmpegOptions options)
    {
        _options = options.Validated();
    }

    /// <summary>
    /// The output for <paramref name="expectedFrames"/> frames of <paramref name="input"/>: a WAV that needs no ffmpeg
    /// is written in-process (<see cref="WavFileOutput"/>, the same bytes), anything else is <see cref="Start"/>ed.
    /// </summary>
    public IPcmOutput Open(string outputPath, OutputFormat format, PcmFormat input, long expectedFrames, CancellationToken ct) =>
        WavFileOutput.CanWrite(format, input, expectedFrames)
            ? WavFileOutput.Create(outputPath, format, input)
            : Start(outputPath, format, input, (double)expectedFrames / input.SampleRate, ct);

    /// <summary>
    /// Starts ffmpeg reading <paramref name="input"/> PCM from the session and encoding it to <paramref name="outputPath"/>
    /// (under a temporary name until <see cref="PcmEncodingSession.CompleteAsync"/>). The deadline of the whole session
    /// scales with <paramref name="expectedDurationSeconds"/>. Dispose the session in every case.
    /// </summary>
    public PcmEncodingSession Start(string outputPath, OutputFormat format, PcmFormat input, double expectedDurationSeconds, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        input.Validated();
        if (input.Channels > OutputFormats.MaxChannels(format))
            throw new AudioGrainsException(ErrorCodes.InvalidOptions,
                $"{OutputFormats.Name(format)} output cannot hold {input.Channels} channels (at most {OutputFormats.MaxChannels(format)})");

        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("f32le PCM is written in place, which needs a little-endian machine");

        var output = new TemporaryOutputFile(outputPath);
        var fileName = Path.GetFileName(output.FinalPath);
        var pipe = new PcmInputPipe();
        try
        {
            var commandLine = FFMpegArguments
                .FromInput(pipe.Argument, o => o
                    .WithCustomArgument(FfmpegCommandLine.Join(
                        "-nostdin", "-hide_banner", "-loglevel", "error", "-filter_threads", "1", "-protocol_whitelist", "unix", "-f", "f32le"))
                    .WithAudioSamplingRate(input.SampleRate)
                    .WithAudioChannels(input.Channels))
                .OutputToFile(FfmpegCommandLine.Quoted("file:" + output.TempPath), overwrite: true, o => o
                    .WithMap(0, StreamType.Audio, 0)
                    .WithoutMetadata()
                    .WithCustomArgument(FfmpegCommandLine.Join([
                        "-fflags", "+bitexact", "-flags:a", "+bitexact",
                        .. CodecArguments(format, input, _options.OpusComplexity),
                        "-protocol_whitelist", "file",
                    ])))
                .Arguments;
            pipe.Open();
            // FFMpegCore's pipe source costs nothing against stdin: 1 h of 16 kHz mono to WAV in 0.957 s against 0.963 s
            // (medians of 28), same bytes. ffmpeg itself runs in ExternalProcess for the reasons given there.
            var process = ExternalProcess.Start(_options.FfmpegPath, commandLine, fileName,
                _options.TimeoutFor(expectedDurationSeconds), readsOutput: false, ct);
            pipe.Serve(process.Exited);
            return new PcmEncodingSession(process, pipe, output, input, fileName);
        }
        catch
        {
            pipe.DisposeAsync().AsTask().GetAwaiter().GetResult(); // nothing is served yet: completes at once
            output.Dispose();
            throw;
        }
    }

    /// <summary>Codec, rate, channel and muxer arguments. Rates and channels are kept unless the codec cannot take them.</summary>
    internal static List<string> CodecArguments(OutputFormat format, PcmFormat input, int opusComplexity) => format switch
    {
        // RF64 once past 4 GB: 12 h of 48 kHz stereo float is 16 GB.
        OutputFormat.Wav => ["-c:a", "pcm_f32le", "-rf64", "auto", "-f", "wav"],
        OutputFormat.WavS16 => ["-c:a", "pcm_s16le", "-rf64", "auto", "-f", "wav"],
        OutputFormat.Flac => ["-c:a", "flac", "-sample_fmt", "s16", "-compression_level", "5", "-f", "flac"],
        OutputFormat.Opus => [.. OpusArguments(input, opusComplexity), "-f", "opus"],
        OutputFormat.WebM => [.. OpusArguments(input, opusComplexity), "-f", "webm"],
        OutputFormat.Mp3 =>
        [
            "-c:a", "libmp3lame", "-b:a", "128k",
            .. RateArguments(input.SampleRate, Mp3Rates),
            .. (input.Channels > 2 ? (string[])["-ac", "2"] : []),
            "-f", "mp3",
        ],
        _ => throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"output format {(int)format} is unknown"),
    };

    /// <summary>
    /// "audio" rather than "voip": voip shapes the signal for intelligibility at low rates, audio keeps it faithful,
    /// which suits both speech recognisers and music; at 64 kbit/s speech loses nothing either way. Hard CBR: with a
    /// constant packet size the encoder's state forgets where it started within a fraction of a second, so segments
    /// encoded apart (each with a second of pre-roll) give exactly the packets of one sequential encode
    /// (<see cref="Ogg.OpusSegments"/>); VBR's bit reservoir remembers for tens of seconds.
    /// </summary>
    private static List<string> OpusArguments(PcmFormat input, int complexity) =>
    [
        "-c:a", "libopus", "-b:a", "64k", "-vbr", "off", "-application", "audio", "-frame_duration", "20",
        "-compression_level", complexity.ToString(CultureInfo.InvariantCulture),
        .. RateArguments(input.SampleRate, OpusRates),
    ];

    /// <summary>The rates libopus takes without resampling.</summary>
    public static bool IsOpusRate(int sampleRate) => OpusRates.Contains(sampleRate);

    /// <summary>No -ar when the codec takes the rate; otherwise the nearest rate above it (or the highest), so ffmpeg
    /// resamples only when it must and never loses bandwidth it can keep.</summary>
    private static string[] RateArguments(int sampleRate, int[] supported)
    {
        if (supported.Contains(sampleRate)) return [];
        var rate = supported.Where(r => r > sampleRate).DefaultIfEmpty(supported[^1]).Min();
        return ["-ar", rate.ToString(CultureInfo.InvariantCulture)];
    }
}
