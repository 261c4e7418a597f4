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
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Audio or video file to normalize" };
        var output = new Option<string>("--output", "-o") { Description = "Output file; its extension picks the format", Required = true };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Working folder (default: a temporary folder, removed afterwards)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log the cluster's work to standard error" };
        var job = new JobOptionArguments();

        var command = new Command("normalize", "Normalize loudness (EBU R128) and convert, on an embedded cluster") { input, output, json, dataDir, verbose };
        job.AddTo(command);
        command.SetAction((parse, ct) => CliFailure.GuardAsync(async () =>
        {
            var inputPath = InputFile.Resolve(parse.GetValue(input)!);
            var outputPath = Path.GetFullPath(parse.GetValue(output)!);
            var (options, noisePath) = job.Parse(parse, outputPath);
            var jobId = Guid.NewGuid().ToString("N");
            // The noise recording's blob key follows from the job id, so the options are whole (and validated) before any work.
            if (noisePath is not null) options = options with { NoiseFileKey = JobBlobKeys.NoiseInput(jobId) };
            options.Validated();
            return await RunAsync(jobId, inputPath, outputPath, options, noisePath, parse.GetValue(json), parse.GetValue(dataDir), parse.GetValue(verbose), ct);
        }, ct));
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

                await OutputFile.WriteAsync(outputPath, temp => cluster.Blobs.DownloadToFileAsync(final.OutputKey!, temp, ct));
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
}
