using AudioGrains.Abstractions;
using AudioGrains.Client;
using AudioGrains.Grains.Jobs;

namespace AudioGrains.Cli;

/// <summary>
/// One job on the embedded cluster, from an input file to an output file: the input (and a noise recording) into the
/// store, the job started and waited for, its output written atomically. The job's blobs are removed afterwards,
/// whatever happened, so a long batch does not fill the data folder.
/// </summary>
public static class EmbeddedJob
{
    /// <summary>Status is read at least this often while a job runs (the progress display); its end is heard at once.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The completed status (with its report); a job that did not complete throws its error code.</summary>
    public static async Task<JobStatus> RunAsync(EmbeddedCluster cluster, string jobId, string inputPath, string outputPath,
        NormalizeOptions options, string? noisePath, IProgress<JobStatus>? progress, CancellationToken ct)
    {
        var client = new AudioGrainsClient(cluster.Client);
        var started = false;
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
            started = true;
            await client.StartAsync(jobId, spec);
            JobStatus final;
            try
            {
                final = await WaitAsync(cluster, client, jobId, progress, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await client.CancelAsync(jobId);
                throw;
            }
            if (final.Phase != JobPhase.Completed)
                throw new AudioGrainsException(final.ErrorCode ?? ErrorCodes.ProcessingFailed, final.ErrorMessage ?? $"the job ended as {final.Phase}");

            await OutputFile.WriteAsync(outputPath, temp => cluster.Blobs.DownloadToFileAsync(final.OutputKey!, temp, ct));
            return final;
        }
        finally
        {
            // The job's record too (the embedded cluster keeps grain state in memory): a batch of any length stays flat.
            if (started) await ForgetJobAsync(client, jobId);
            await cluster.Blobs.DeletePrefixAsync(JobBlobKeys.Root(jobId), CancellationToken.None);
            // Last: an end reported while the record was deleted must not leave an entry behind.
            cluster.Endings.Forget(jobId);
        }
    }

    /// <summary>Best effort: a record left behind costs a little memory until the process ends, never the user's result.</summary>
    private static async Task ForgetJobAsync(AudioGrainsClient client, string jobId)
    {
        try
        {
            await client.DeleteAsync(jobId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
        }
    }

    /// <summary>Polls for progress, and wakes as soon as the silo says the job ended (a poll interval per job adds up over a batch).</summary>
    private static async Task<JobStatus> WaitAsync(EmbeddedCluster cluster, AudioGrainsClient client, string jobId, IProgress<JobStatus>? progress,
        CancellationToken ct)
    {
        var ended = cluster.Endings.WhenEnded(jobId);
        while (true)
        {
            var status = await client.GetStatusAsync(jobId, ct);
            progress?.Report(status);
            if (!status.Exists) throw new AudioGrainsException(ErrorCodes.NotFound, $"job {jobId} does not exist");
            if (status.IsTerminal) return status;
            // Ended is told once the end is saved, so the next read sees it; the short wait only guards against a spin.
            if (ended.IsCompleted) await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
            else await Task.WhenAny(ended, Task.Delay(PollInterval, ct));
            ct.ThrowIfCancellationRequested();
        }
    }
}
