using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioGrains.Abstractions;
using AudioGrains.Client;

namespace AudioGrains.Cli;

/// <summary>The verbs that drive a running cluster through the client library: submit, status, download, cancel, retry.</summary>
public static class ClusterCommands
{
    private static Option<string> ClusterOption() =>
        new("--cluster") { Description = "redis://HOST:PORT (Redis membership), redis://HOST:PORT[,HOST:PORT...],serviceName=NAME (Redis through Sentinel) or HOST:PORT[,HOST:PORT] (gateways)", Required = true };

    public static Command Submit()
    {
        var input = new Argument<string>("input") { Description = "Audio or video file to normalize" };
        var cluster = ClusterOption();
        var output = new Option<string?>("--output", "-o") { Description = "Wait, then download the output here (its extension picks the format)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the job ends" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var key = new Option<string?>("--idempotency-key") { Description = "The same key gives the same job (a dropped submission resumes)" };
        var job = new JobOptionArguments();
        var command = new Command("submit", "Submit a file to a running cluster") { input, cluster, output, wait, json, key };
        job.AddTo(command);
        command.SetAction((parse, interruptible) => Interruption.RunAsync(interruptible, ct => CliFailure.GuardAsync(async () =>
        {
            var watch = Stopwatch.StartNew();
            var inputPath = InputFile.Resolve(parse.GetValue(input)!);
            var outputPath = parse.GetValue(output) is { } o ? Path.GetFullPath(o) : null;
            var (options, noisePath) = job.Parse(parse, outputPath);
            options.Validated();
            await using var connection = await ClusterConnection.OpenAsync(parse.GetValue(cluster)!, ct);
            string jobId;
            await using (var source = File.OpenRead(inputPath))
            await using (var noise = noisePath is null ? null : File.OpenRead(noisePath))
            {
                jobId = await connection.Client.SubmitAsync(source, Path.GetFileName(inputPath), options, noise, parse.GetValue(key), ct);
            }
            if (outputPath is null && !parse.GetValue(wait))
            {
                Console.Out.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(new Dictionary<string, string> { ["job_id"] = jobId }) : jobId);
                return 0;
            }
            JobStatus final;
            try
            {
                final = await WaitAsync(connection.Client, jobId, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Interrupted while waiting: the job itself goes on in the cluster; say which one it is.
                Console.Error.WriteLine($"interrupted: job {jobId} goes on in the cluster (audiograins cancel {jobId} stops it)");
                throw;
            }
            // The id goes with the outcome either way: an operator retries a dead-lettered job, or downloads a finished one, by it.
            if (final.Phase != JobPhase.Completed)
            {
                throw new AudioGrainsException(final.ErrorCode ?? ErrorCodes.ProcessingFailed,
                    $"job {jobId} {final.Phase.ToString().ToLowerInvariant()}" + (final.ErrorMessage is { } why ? $": {why}" : ""));
            }
            if (outputPath is not null) await DownloadToFileAsync(connection.Client, jobId, outputPath, ct);
            Console.Out.WriteLine(parse.GetValue(json)
                ? WithJobId(jobId, LoudnessJson.Normalization(final.Report!, final.Options!, watch.Elapsed.TotalSeconds))
                : outputPath is null ? jobId : TextReport.Normalization(final.Report!, watch.Elapsed.TotalSeconds, outputPath));
            return 0;
        }, ct)));
        return command;
    }

    public static Command Status()
    {
        var jobId = new Argument<string>("job") { Description = "The job's id" };
        var cluster = ClusterOption();
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var command = new Command("status", "Show a job's status") { jobId, cluster, json };
        command.SetAction((parse, interruptible) => Interruption.RunAsync(interruptible, ct => CliFailure.GuardAsync(async () =>
        {
            await using var connection = await ClusterConnection.OpenAsync(parse.GetValue(cluster)!, ct);
            var status = await connection.Client.GetStatusAsync(parse.GetValue(jobId)!, ct);
            if (!status.Exists) throw new AudioGrainsException(ErrorCodes.NotFound, $"job {status.JobId} does not exist");
            Console.Out.WriteLine(parse.GetValue(json) ? StatusJson(status) : $"{status.JobId}: {status.Phase.ToString().ToLowerInvariant()} {status.Progress}%"
                + (status.ErrorCode is null ? "" : $" ({status.ErrorCode}: {status.ErrorMessage})"));
            return 0;
        }, ct)));
        return command;
    }

    public static Command Download()
    {
        var jobId = new Argument<string>("job") { Description = "The job's id" };
        var cluster = ClusterOption();
        var output = new Option<string>("--output", "-o") { Description = "Where to write the output", Required = true };
        var command = new Command("download", "Download a completed job's output") { jobId, cluster, output };
        command.SetAction((parse, interruptible) => Interruption.RunAsync(interruptible, ct => CliFailure.GuardAsync(async () =>
        {
            await using var connection = await ClusterConnection.OpenAsync(parse.GetValue(cluster)!, ct);
            await DownloadToFileAsync(connection.Client, parse.GetValue(jobId)!, Path.GetFullPath(parse.GetValue(output)!), ct);
            return 0;
        }, ct)));
        return command;
    }

    public static Command Cancel() => JobCall("cancel", "Cancel a running job", (client, id, ct) => client.CancelAsync(id, ct));

    public static Command Retry() => JobCall("retry", "Retry a dead-lettered job from the phase that failed", (client, id, ct) => client.RetryAsync(id, ct));

    private static Command JobCall(string name, string description, Func<IAudioGrainsClient, string, CancellationToken, Task<JobStatus>> call)
    {
        var jobId = new Argument<string>("job") { Description = "The job's id" };
        var cluster = ClusterOption();
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var command = new Command(name, description) { jobId, cluster, json };
        command.SetAction((parse, interruptible) => Interruption.RunAsync(interruptible, ct => CliFailure.GuardAsync(async () =>
        {
            await using var connection = await ClusterConnection.OpenAsync(parse.GetValue(cluster)!, ct);
            var status = await call(connection.Client, parse.GetValue(jobId)!, ct);
            if (!status.Exists) throw new AudioGrainsException(ErrorCodes.NotFound, $"job {status.JobId} does not exist");
            Console.Out.WriteLine(parse.GetValue(json) ? StatusJson(status) : $"{status.JobId}: {status.Phase.ToString().ToLowerInvariant()}");
            return 0;
        }, ct)));
        return command;
    }

    private static async Task<JobStatus> WaitAsync(IAudioGrainsClient client, string jobId, CancellationToken ct)
    {
        JobStatus? last = null;
        await foreach (var status in client.WatchAsync(jobId, ct: ct)) last = status;
        return last!;
    }

    private static Task DownloadToFileAsync(IAudioGrainsClient client, string jobId, string path, CancellationToken ct) =>
        OutputFile.WriteAsync(path, async temp =>
        {
            await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await client.DownloadAsync(jobId, file, ct);
        });

    /// <summary>`normalize`'s report with the job's id first (`job_id`, as `submit --json` without waiting prints it).</summary>
    private static string WithJobId(string jobId, string report)
    {
        var fields = JsonNode.Parse(report)!.AsObject();
        fields.Insert(0, "job_id", jobId);
        return fields.ToJsonString();
    }

    private static string StatusJson(JobStatus s) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["job_id"] = s.JobId,
        ["status"] = s.Phase.ToString().ToLowerInvariant(),
        ["progress"] = s.Progress,
        ["chunks_total"] = s.ChunksTotal,
        ["chunks_completed"] = s.ChunksCompleted,
        ["error_code"] = s.ErrorCode,
        ["error_message"] = s.ErrorMessage,
    });
}
