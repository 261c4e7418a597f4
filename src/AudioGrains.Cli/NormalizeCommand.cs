using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Grains.Jobs;
using AudioGrains.Media;
using AudioGrains.Storage;
using Spectre.Console;

namespace AudioGrains.Cli;

/// <summary>`audiograins normalize INPUT -o OUTPUT ...`: one job on an embedded cluster.</summary>
public static class NormalizeCommand
{
    private static NormalizeOptions Defaults => NormalizeOptions.Default;

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Audio or video file to normalize" };
        var output = new Option<string>("--output", "-o") { Description = "Output file; its extension picks the format", Required = true };
        var target = new Option<double>("--target-lufs") { Description = "Integrated loudness of the output", DefaultValueFactory = _ => Defaults.TargetLufs };
        var truePeak = new Option<double>("--true-peak") { Description = "True-peak ceiling, dBTP", DefaultValueFactory = _ => Defaults.TruePeakCeilingDbtp };
        var sampleRate = new Option<string>("--sample-rate") { Description = "Output rate in Hz, or keep", DefaultValueFactory = _ => Defaults.SampleRate?.ToString(CultureInfo.InvariantCulture) ?? "keep" };
        var channels = new Option<string>("--channels") { Description = "mono or keep", DefaultValueFactory = _ => Defaults.Mono ? "mono" : "keep" };
        var highPass = new Option<string>("--highpass") { Description = "High-pass cutoff in Hz, or off", DefaultValueFactory = _ => Defaults.HighPassHz?.ToString(CultureInfo.InvariantCulture) ?? "off" };
        var chunkSeconds = new Option<double>("--chunk-seconds") { Description = "Seconds of audio per unit of parallel work", DefaultValueFactory = _ => Defaults.ChunkSeconds };
        var format = new Option<string?>("--format") { Description = "wav|wav16|flac|opus|webm|mp3 (default: from the output's extension)" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Working folder (default: a temporary folder, removed afterwards)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log the cluster's work to standard error" };
        var denoise = new Option<string>("--denoise") { Description = "Noise reduction: off, stationary or nonstationary", DefaultValueFactory = _ => DenoiseName(Defaults.Denoise) };
        var denoiseStrength = new Option<double>("--denoise-strength") { Description = "0..1; 0.8 pulls noise down by 14 dB", DefaultValueFactory = _ => Defaults.DenoiseStrength };
        var denoiseThreshold = new Option<double>("--denoise-threshold-std") { Description = "Stationary threshold: noise mean + this many std (dB per bin)", DefaultValueFactory = _ => Defaults.DenoiseThresholdStd };
        var denoiseFreqSmooth = new Option<double>("--denoise-freq-smooth-hz") { Description = "Mask smoothing across frequency, Hz", DefaultValueFactory = _ => Defaults.DenoiseFreqSmoothHz };
        var denoiseTimeSmooth = new Option<double>("--denoise-time-smooth-ms") { Description = "Mask smoothing across time, ms (with the Hz under 2 bins and this under 2 hops: no smoothing)", DefaultValueFactory = _ => Defaults.DenoiseTimeSmoothMs };
        var noiseClip = new Option<string?>("--noise-clip") { Description = "START-END seconds of the input that hold only noise (stationary profile)" };
        var noiseFile = new Option<string?>("--noise-file") { Description = "A separate recording of the noise (at most 60 s) for the stationary profile" };
        var normalizeVolume = new Option<string>("--normalize-volume") { Description = "on, or off to keep the level (measure only)", DefaultValueFactory = _ => Defaults.NormalizeVolume ? "on" : "off" };
        var isolateVoice = new Option<bool>("--isolate-voice") { Description = "Keep the speech band (80-7600 Hz) and, from stereo, the centre" };

        var command = new Command("normalize", "Normalize loudness (EBU R128) and convert, on an embedded cluster")
        {
            input, output, target, truePeak, sampleRate, channels, highPass, chunkSeconds, format, json, dataDir, verbose,
            denoise, denoiseStrength, denoiseThreshold, denoiseFreqSmooth, denoiseTimeSmooth, noiseClip, noiseFile, isolateVoice, normalizeVolume,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var inputPath = InputFile.Resolve(parse.GetValue(input)!);
                var outputPath = Path.GetFullPath(parse.GetValue(output)!);
                var chosenFormat = parse.GetValue(format) is { } f ? OutputFormats.Parse(f) : OutputFormats.FromExtension(outputPath);
                var options = new NormalizeOptions
                {
                    TargetLufs = parse.GetValue(target),
                    TruePeakCeilingDbtp = parse.GetValue(truePeak),
                    SampleRate = ParseKeepable(parse.GetValue(sampleRate)!, "--sample-rate", s => int.Parse(s, CultureInfo.InvariantCulture)),
                    Mono = parse.GetValue(channels) switch
                    {
                        "mono" => true,
                        "keep" => false,
                        var other => throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"--channels must be mono or keep, not \"{other}\""),
                    },
                    HighPassHz = ParseOff(parse.GetValue(highPass)!, "--highpass"),
                    ChunkSeconds = parse.GetValue(chunkSeconds),
                    OutputFormat = OutputFormats.Name(chosenFormat),
                    Denoise = ParseDenoise(parse.GetValue(denoise)!),
                    DenoiseStrength = parse.GetValue(denoiseStrength),
                    DenoiseThresholdStd = parse.GetValue(denoiseThreshold),
                    DenoiseFreqSmoothHz = parse.GetValue(denoiseFreqSmooth),
                    DenoiseTimeSmoothMs = parse.GetValue(denoiseTimeSmooth),
                    IsolateVoice = parse.GetValue(isolateVoice),
                    NormalizeVolume = parse.GetValue(normalizeVolume) switch
                    {
                        "on" => true,
                        "off" => false,
                        var other => throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"--normalize-volume must be on or off, not \"{other}\""),
                    },
                };
                if (parse.GetValue(noiseClip) is { } clip)
                {
                    var (start, end) = ParseRange(clip, "--noise-clip");
                    options = options with { NoiseClipStartSeconds = start, NoiseClipEndSeconds = end };
                }
                var noisePath = parse.GetValue(noiseFile) is { } nf ? InputFile.Resolve(nf) : null;
                var jobId = Guid.NewGuid().ToString("N");
                // The noise recording's blob key follows from the job id, so the options are whole (and validated) before any work.
                if (noisePath is not null) options = options with { NoiseFileKey = JobBlobKeys.NoiseInput(jobId) };
                options.Validated();
                return await RunAsync(jobId, inputPath, outputPath, options, noisePath, parse.GetValue(json), parse.GetValue(dataDir), parse.GetValue(verbose), ct);
            }
            catch (AudioGrainsException e)
            {
                return CliFailure.Report(e);
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                return CliFailure.Report(new AudioGrainsException(ErrorCodes.InvalidOptions, e.Message));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return CliFailure.ExitCancelled;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string jobId, string inputPath, string outputPath, NormalizeOptions options, string? noisePath, bool json,
        string? dataDirectory, bool verbose, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var configured = dataDirectory ?? (Environment.GetEnvironmentVariable("AUDIOGRAINS_DATA_DIR") is { Length: > 0 } env ? env : null);
        // A folder of our own is removed afterwards; a folder the user names is left, emptied of this job.
        var ownsDataDirectory = configured is null;
        var dataRoot = configured ?? Path.Combine(Path.GetTempPath(), $"audiograins-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            await using var cluster = await EmbeddedCluster.StartAsync(dataRoot, verbose, ct);
            try
            {
                if (noisePath is not null)
                {
                    await using var noise = new FileStream(noisePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
                    await cluster.Ingestor.IngestNoiseAsync(jobId, noise, Path.GetFileName(noisePath), ct);
                }
                JobSpec spec;
                await using (var source = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
                {
                    spec = await cluster.Ingestor.IngestAsync(jobId, source, Path.GetFileName(inputPath), options, jobId, ct);
                }
                var client = new AudioGrainsClient(cluster.Client);
                await client.StartAsync(jobId, spec);
                JobStatus final;
                try
                {
                    final = await WaitWithProgressAsync(client, jobId, showProgress: !json && !Console.IsErrorRedirected, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    await client.CancelAsync(jobId);
                    throw;
                }
                if (final.Phase != JobPhase.Completed)
                    throw new AudioGrainsException(final.ErrorCode ?? ErrorCodes.ProcessingFailed, final.ErrorMessage ?? $"the job ended as {final.Phase}");

                await SaveOutputAsync(cluster.Blobs, final.OutputKey!, outputPath, ct);
                var report = final.Report!;
                Console.Out.WriteLine(json
                    ? LoudnessJson.Normalization(report, final.Options!, watch.Elapsed.TotalSeconds)
                    : TextReport.Normalization(report, watch.Elapsed.TotalSeconds, outputPath));
                return 0;
            }
            finally
            {
                await cluster.Blobs.DeletePrefixAsync(JobBlobKeys.Root(jobId), CancellationToken.None);
            }
        }
        finally
        {
            if (ownsDataDirectory && Directory.Exists(dataRoot)) Directory.Delete(dataRoot, recursive: true);
        }
    }

    private static async Task<JobStatus> WaitWithProgressAsync(AudioGrainsClient client, string jobId, bool showProgress, CancellationToken ct)
    {
        if (!showProgress) return await client.WaitAsync(jobId, ct: ct);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        JobStatus? final = null;
        await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("normalizing", maxValue: 100);
            final = await client.WaitAsync(jobId, new Progress<JobStatus>(s =>
            {
                task.Value = s.Progress;
                task.Description = s.ChunksTotal > 0 ? $"{s.Phase.ToString().ToLowerInvariant()} {s.ChunksCompleted}/{s.ChunksTotal}" : s.Phase.ToString().ToLowerInvariant();
            }), ct: ct);
        });
        return final!;
    }

    /// <summary>The output, written beside its final name and renamed into place: a reader never sees half a file.</summary>
    private static async Task SaveOutputAsync(IBlobStore blobs, string key, string path, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await blobs.DownloadToFileAsync(key, temp, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static int? ParseKeepable(string value, string name, Func<string, int> parse)
    {
        if (value == "keep") return null;
        try
        {
            return parse(value);
        }
        catch (FormatException)
        {
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"{name} must be a number or keep, not \"{value}\"");
        }
        catch (OverflowException)
        {
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"{name} must be a number or keep, not \"{value}\"");
        }
    }

    private static NoiseReduction ParseDenoise(string value)
    {
        foreach (var mode in Enum.GetValues<NoiseReduction>())
            if (DenoiseName(mode) == value) return mode;
        throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"--denoise must be off, stationary or nonstationary, not \"{value}\"");
    }

    private static string DenoiseName(NoiseReduction mode) => mode.ToString().ToLowerInvariant();

    private static (double Start, double End) ParseRange(string value, string name)
    {
        var parts = value.Split('-');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var end))
            return (start, end);
        throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"{name} must be START-END in seconds (e.g. 0-2.5), not \"{value}\"");
    }

    private static double? ParseOff(string value, string name)
    {
        if (value == "off") return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var hz)) return hz;
        throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"{name} must be a frequency in Hz or off, not \"{value}\"");
    }
}
