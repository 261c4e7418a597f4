using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;

namespace AudioGrains.Grains.Telemetry;

/// <summary>
/// The jobs this silo coordinates, as meters: submitted, completed, failed (by error code) and dead-lettered; bytes in
/// and out; the realtime factor of completed jobs; how many run here now, and how long the most stalled of them has
/// gone without progress (a phase change or a finished chunk or segment).
/// </summary>
public sealed class JobMetrics : IJobObserver
{
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, long> _lastProgress = new();
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Histogram<double> _realtimeFactor;

    public JobMetrics(IMeterFactory meters, TimeProvider clock)
    {
        _clock = clock;
        var meter = meters.Create(AudioGrainsTelemetry.Name);
        _submitted = meter.CreateCounter<long>("jobs.submitted.total", "{job}", "Jobs created on this silo");
        _completed = meter.CreateCounter<long>("jobs.completed.total", "{job}", "Jobs completed on this silo");
        _failed = meter.CreateCounter<long>("jobs.failed.total", "{job}", "Jobs failed on this silo, by error code");
        _deadLettered = meter.CreateCounter<long>("jobs.dead_lettered.total", "{job}", "Jobs dead-lettered on this silo (an operator may retry them)");
        _bytesIn = meter.CreateCounter<long>("bytes.in.total", "By", "Bytes of the inputs of jobs created on this silo");
        _bytesOut = meter.CreateCounter<long>("bytes.out.total", "By", "Bytes of the outputs of jobs completed on this silo");
        _realtimeFactor = meter.CreateHistogram<double>("job.realtime_factor", "1", "Seconds of input per second from submission to completion",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
        // Unlabelled counters exist from the start at 0, so a rate over them has a series before the first job.
        foreach (var counter in new[] { _submitted, _completed, _deadLettered, _bytesIn, _bytesOut }) counter.Add(0);
        // So do the failures of every code a job can end with: a series that first appears at 1 is an increment that
        // increase() cannot see, and the failure-rate alert would miss each silo's first failure of each code.
        foreach (var code in JobFailureCodes) _failed.Add(0, ErrorCodeTag(code));
        meter.CreateObservableGauge("jobs.active", () => _lastProgress.Count, "{job}", "Jobs whose coordinator runs on this silo now");
        meter.CreateObservableGauge("job.progress_age.seconds.max", ProgressAgeSeconds, "s",
            "Seconds since the least recently progressing job on this silo made progress (0 when none runs)");
    }

    public double ProgressAgeSeconds()
    {
        var now = _clock.GetTimestamp();
        var oldest = _lastProgress.Values.DefaultIfEmpty(now).Min();
        return _clock.GetElapsedTime(oldest, now).TotalSeconds;
    }

    public void Started(JobStatus status)
    {
        _submitted.Add(1);
        _bytesIn.Add(status.InputBytes);
    }

    public void Running(string jobId) => _lastProgress[jobId] = _clock.GetTimestamp();

    public void Stopped(string jobId) => _lastProgress.TryRemove(jobId, out _);

    public void PhaseChanged(string jobId, JobPhase from, JobPhase to) => Progressed(jobId);

    public void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome) => Progressed(jobId);

    public void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error)
    {
    }

    public void Ended(JobStatus status, bool deadLettered)
    {
        switch (status.Phase)
        {
            case JobPhase.Completed:
                _completed.Add(1);
                _bytesOut.Add(status.OutputBytes ?? 0);
                if (status is { Report.Input.DurationSeconds: > 0, CreatedAt: { } created, CompletedAt: { } done } && done > created)
                    _realtimeFactor.Record(status.Report.Input.DurationSeconds / (done - created).TotalSeconds);
                break;
            case JobPhase.Failed:
                _failed.Add(1, ErrorCodeTag(status.ErrorCode ?? "unknown"));
                if (deadLettered) _deadLettered.Add(1);
                break;
        }
    }

    /// <summary>The codes a job ends with when it fails (README's list of the errors of normalize and of a cluster).</summary>
    public static readonly string[] JobFailureCodes =
    [
        ErrorCodes.InputNotFound, ErrorCodes.EmptyInput, ErrorCodes.InvalidMedia, ErrorCodes.NoAudioStream, ErrorCodes.UnsupportedFormat,
        ErrorCodes.TooLong, ErrorCodes.TooLarge, ErrorCodes.TooManyChannels, ErrorCodes.InvalidOptions, ErrorCodes.InsufficientDisk,
        ErrorCodes.Timeout, ErrorCodes.ProcessingFailed, ErrorCodes.StorageUnavailable,
    ];

    private static KeyValuePair<string, object?> ErrorCodeTag(string code) => new("error_code", code);

    private void Progressed(string jobId)
    {
        // Only a job that runs here is tracked; a late event of one that stopped must not bring it back.
        if (_lastProgress.ContainsKey(jobId)) _lastProgress[jobId] = _clock.GetTimestamp();
    }
}
