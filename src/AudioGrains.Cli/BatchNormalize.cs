using System.Diagnostics;
using System.Globalization;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Media;

namespace AudioGrains.Cli;

/// <summary>
/// `normalize IN... --output-dir DIR`: every input is a job on one embedded cluster, started once. A bounded number of
/// jobs is in flight; the cluster's own CPU limit schedules their work. One input that fails (missing, not audio, ...)
/// fails alone with its code; the others finish. Exit 0 when every input completed, 1 when any failed.
/// </summary>
public static class BatchNormalize
{
    /// <summary>
    /// Jobs in flight at once. A short clip's job spends much of its time starting ffmpeg processes and moving between
    /// phases, so two per core keep the cores busy; the cluster's chunk limit (about one per core) bounds the CPU work.
    /// Bounded so that memory and open files stay the same for ten inputs or ten thousand.
    /// </summary>
    public static int JobsInFlight { get; } = Math.Max(2, 2 * Environment.ProcessorCount);

    public static async Task<int> RunAsync(IReadOnlyList<string> inputs, string outputDirectory, NormalizeOptions options, string? noisePath,
        bool json, string? dataDirectory, bool verbose, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        // Refused before any work: clashing output names.
        var outputs = BatchOutputs.For(inputs, outputDirectory, OutputFormats.Parse(options.OutputFormat));
        // Standard output is the report; a progress display would only garble it when it goes to a file or a pipe.
        var showProgress = !json && !Console.IsErrorRedirected && !Console.IsOutputRedirected;
        var progress = new BatchProgress(inputs.Count);
        var results = new BatchResult[inputs.Count];
        var printLock = new Lock();

        void Finished(int i, BatchResult result)
        {
            results[i] = result;
            progress.Finished(i, result.Failed);
            lock (printLock)
            {
                if (result.Failed) Console.Error.WriteLine($"error: {result.ErrorCode}: {result.Input}: {result.ErrorMessage?.ReplaceLineEndings(" ").Trim()}");
                // As each input ends, unless the display holds the terminal: then all lines follow it, in input order.
                if (json) Console.Out.WriteLine(LoudnessJson.BatchLine(result));
                else if (!showProgress) Console.Out.WriteLine(TextReport.BatchLine(result));
            }
        }

        using var data = new DataFolder(dataDirectory);
        await using (var cluster = await EmbeddedCluster.StartAsync(data.Path, verbose, ct))
        {
            if (noisePath is not null) await NoiseFile.CheckAsync(cluster, noisePath, ct);
            var run = Parallel.ForEachAsync(Enumerable.Range(0, inputs.Count),
                new ParallelOptions { MaxDegreeOfParallelism = JobsInFlight, CancellationToken = ct },
                async (i, token) => Finished(i, await RunOneAsync(cluster, inputs[i], outputs[i], options, noisePath, progress.For(i), token)));
            if (showProgress) await progress.ShowUntilAsync(run);
            else await run;
        }

        var failed = results.Count(r => r.Failed);
        if (!json)
        {
            if (showProgress)
                foreach (var result in results) Console.Out.WriteLine(TextReport.BatchLine(result));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{inputs.Count - failed} of {inputs.Count} normalized, {failed} failed, {watch.Elapsed.TotalSeconds:F2} s -> {Path.GetFullPath(outputDirectory)}"));
        }
        return failed == 0 ? 0 : CliFailure.ExitError;
    }

    private static async Task<BatchResult> RunOneAsync(EmbeddedCluster cluster, string input, string output, NormalizeOptions options, string? noisePath,
        IProgress<JobStatus> progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var jobId = Guid.NewGuid().ToString("N");
        try
        {
            var inputPath = InputFile.Resolve(input);
            if (noisePath is not null) options = options with { NoiseFileKey = JobBlobKeys.NoiseInput(jobId) };
            var completed = await EmbeddedJob.RunAsync(cluster, jobId, inputPath, output, options, noisePath, progress, ct);
            return BatchResult.Success(input, output, completed, watch.Elapsed.TotalSeconds);
        }
        catch (AudioGrainsException e)
        {
            return BatchResult.Failure(input, output, e.Code, e.Message, watch.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            return BatchResult.Failure(input, output, ErrorCodes.ProcessingFailed, e.Message, watch.Elapsed.TotalSeconds);
        }
    }
}
