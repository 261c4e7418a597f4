using System.CommandLine;
using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using Spectre.Console;

namespace AudioGrains.Cli;

/// <summary>
/// `audiograins normalize INPUT -o OUTPUT ...`: one job on an embedded cluster; `normalize INPUT... --output-dir DIR`:
/// a batch, every input a job on one embedded cluster (<see cref="BatchNormalize"/>).
/// </summary>
public static class NormalizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string[]>("input") { Description = "Audio or video files to normalize (several need --output-dir)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "Output file (one input); its extension picks the format" };
        var outputDir = new Option<string?>("--output-dir") { Description = "Batch: write DIR/NAME.EXT for each input (NAME from the input, EXT from --format, default webm); two inputs with the same NAME are refused" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object (batch: one per input, one per line)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Working folder (default: a temporary folder, removed afterwards)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log the cluster's work to standard error" };
        var job = new JobOptionArguments();

        var command = new Command("normalize",
            "Normalize loudness (EBU R128) and convert, on an embedded cluster. Exit status: 0 done; 1 an error " +
            "(batch: at least one input failed, the others finished; each failure is a line on standard error); 130 interrupted")
        {
            input, output, outputDir, json, dataDir, verbose,
        };
        job.AddTo(command);
        command.SetAction((parse, interruptible) => Interruption.RunAsync(interruptible, ct => CliFailure.GuardAsync(async () =>
        {
            var inputs = parse.GetValue(input)!;
            // System.CommandLine takes an unknown option (ffmpeg-normalize's -t -16, -ar, ...) as one more input; name it instead.
            if (inputs.FirstOrDefault(i => i.StartsWith('-') && !File.Exists(i)) is { } unknown)
                throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"unknown option \"{unknown}\" (see audiograins normalize --help)");
            var (outputPath, directory) = (parse.GetValue(output), parse.GetValue(outputDir));
            if (outputPath is not null && directory is not null)
                throw new AudioGrainsException(ErrorCodes.InvalidOptions, "give -o OUTPUT for one input or --output-dir DIR for a batch, not both");
            if (directory is not null)
            {
                var (batchOptions, batchNoise) = job.Parse(parse, null);
                // Each job gets its own noise key; one stands for them all here so the options are checked before any work.
                (batchNoise is null ? batchOptions : batchOptions with { NoiseFileKey = JobBlobKeys.NoiseInput("batch") }).Validated();
                return await BatchNormalize.RunAsync(inputs, directory, batchOptions, batchNoise, parse.GetValue(json), parse.GetValue(dataDir), parse.GetValue(verbose), ct);
            }
            if (outputPath is null)
                throw new AudioGrainsException(ErrorCodes.InvalidOptions, inputs.Length == 1 ? "-o OUTPUT is required (or --output-dir DIR)" : "several inputs need --output-dir DIR");
            if (inputs.Length > 1)
                throw new AudioGrainsException(ErrorCodes.InvalidOptions, "-o names one output; for several inputs use --output-dir DIR");

            var inputPath = InputFile.Resolve(inputs[0]);
            outputPath = Path.GetFullPath(outputPath);
            var (options, noisePath) = job.Parse(parse, outputPath);
            OutputFile.CheckWritable(outputPath);
            var jobId = Guid.NewGuid().ToString("N");
            // The noise recording's blob key follows from the job id, so the options are whole (and validated) before any work.
            if (noisePath is not null) options = options with { NoiseFileKey = JobBlobKeys.NoiseInput(jobId) };
            options.Validated();
            return await RunAsync(jobId, inputPath, outputPath, options, noisePath, parse.GetValue(json), parse.GetValue(dataDir), parse.GetValue(verbose), ct);
        }, ct)));
        return command;
    }

    private static async Task<int> RunAsync(string jobId, string inputPath, string outputPath, NormalizeOptions options, string? noisePath, bool json,
        string? dataDirectory, bool verbose, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        using var data = new DataFolder(dataDirectory);
        await using var cluster = await EmbeddedCluster.StartAsync(data.Path, verbose, ct);
        if (noisePath is not null) await NoiseFile.CheckAsync(cluster, noisePath, ct);
        var final = await RunWithProgressAsync(
            progress => EmbeddedJob.RunAsync(cluster, jobId, inputPath, outputPath, options, noisePath, progress, ct),
            showProgress: !json && !Console.IsErrorRedirected);
        var report = final.Report!;
        Console.Out.WriteLine(json
            ? LoudnessJson.Normalization(report, final.Options!, watch.Elapsed.TotalSeconds)
            : TextReport.Normalization(report, watch.Elapsed.TotalSeconds, outputPath));
        return 0;
    }

    private static async Task<JobStatus> RunWithProgressAsync(Func<IProgress<JobStatus>?, Task<JobStatus>> run, bool showProgress)
    {
        if (!showProgress) return await run(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        JobStatus? final = null;
        await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("normalizing", maxValue: 100);
            final = await run(new Progress<JobStatus>(s =>
            {
                task.Value = s.Progress;
                task.Description = s.ChunksTotal > 0 ? $"{s.Phase.ToString().ToLowerInvariant()} {s.ChunksCompleted}/{s.ChunksTotal}" : s.Phase.ToString().ToLowerInvariant();
            }));
        });
        return final!;
    }
}
