using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Jobs.Phases;

namespace AudioGrains.Jobs.Tests.Harness;

/// <summary>What one silo saw happen: a phase change, a unit of work done, a failed try, or a unit of work started (the interceptor ran).</summary>
public sealed record ProbeEvent(
    TimeSpan At,
    string Silo,
    string JobId,
    string Kind,
    JobPhase From = default,
    JobPhase To = default,
    WorkItem? Item = null,
    bool Reused = false,
    int Attempt = 0,
    string? Error = null)
{
    public const string Phase = "phase";
    public const string Completed = "completed";
    public const string TryFailed = "try-failed";
    public const string Started = "started";
}

/// <summary>
/// The test's view into every silo of a cluster (they share this process): the job observer's events and the work
/// interceptor's calls, all in one timeline, plus the faults a test injects, keyed by job id so tests do not meet.
/// </summary>
public sealed class JobProbe
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ProbeEvent> _events = [];

    /// <summary>Runs before each unit of work of the job (inside its CPU slot): throw to fail it, delay to slow it.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, Func<WorkItem, int, CancellationToken, ValueTask>> WorkRules { get; } = new();

    /// <summary>Called on the job's silo right after the job moved from one phase to another.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, Action<JobPhase, JobPhase>> PhaseHooks { get; } = new();

    /// <summary>A whole phase of a job fails (before it does anything) while its entry is here.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<(string JobId, JobPhase Phase), bool> FailingPhases { get; } = new();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<ProbeEvent> Events(string jobId)
    {
        lock (_events) return _events.Where(e => e.JobId == jobId).ToList();
    }

    public IReadOnlyList<(JobPhase From, JobPhase To)> PhaseChanges(string jobId) =>
        Events(jobId).Where(e => e.Kind == ProbeEvent.Phase).Select(e => (e.From, e.To)).ToList();

    /// <summary>How many times the interceptor ran for each item of this kind (each run is one computation started).</summary>
    public Dictionary<int, int> Starts(string jobId, WorkKind kind, TimeSpan? after = null) =>
        Events(jobId).Where(e => e.Kind == ProbeEvent.Started && e.Item!.Value.Kind == kind && (after is null || e.At > after))
            .GroupBy(e => e.Item!.Value.Index).ToDictionary(g => g.Key, g => g.Count());

    public IReadOnlyList<ProbeEvent> Completions(string jobId, WorkKind kind) =>
        Events(jobId).Where(e => e.Kind == ProbeEvent.Completed && e.Item!.Value.Kind == kind).ToList();

    public IReadOnlyList<ProbeEvent> TryFailures(string jobId) => Events(jobId).Where(e => e.Kind == ProbeEvent.TryFailed).ToList();

    internal void Add(ProbeEvent e)
    {
        lock (_events) _events.Add(e);
    }

    internal int StartsSoFar(WorkItem item)
    {
        lock (_events) return _events.Count(e => e.Kind == ProbeEvent.Started && e.Item == item);
    }
}

/// <summary>One silo's <see cref="IJobObserver"/>: records into the probe, tagged with the silo's name, and runs the test's phase hooks.</summary>
public sealed class ProbeObserver(JobProbe probe, string silo) : IJobObserver
{
    public void PhaseChanged(string jobId, JobPhase from, JobPhase to)
    {
        probe.Add(new ProbeEvent(probe.Now, silo, jobId, ProbeEvent.Phase, From: from, To: to));
        if (probe.PhaseHooks.TryGetValue(jobId, out var hook)) hook(from, to);
    }

    public void WorkCompleted(string jobId, WorkKind kind, WorkOutcome outcome) =>
        probe.Add(new ProbeEvent(probe.Now, silo, jobId, ProbeEvent.Completed, Item: new WorkItem(jobId, kind, outcome.Index), Reused: outcome.Reused));

    public void TryFailed(string jobId, JobPhase phase, WorkItem? item, int attempt, Exception error) =>
        probe.Add(new ProbeEvent(probe.Now, silo, jobId, ProbeEvent.TryFailed, From: phase, Item: item, Attempt: attempt, Error: error.Message));
}

/// <summary>One silo's <see cref="IWorkInterceptor"/>: counts every unit of work started, then applies the job's rule.</summary>
public sealed class ProbeInterceptor(JobProbe probe, string silo) : IWorkInterceptor
{
    public async ValueTask BeforeAsync(WorkItem item, CancellationToken ct)
    {
        var attempt = probe.StartsSoFar(item) + 1;
        probe.Add(new ProbeEvent(probe.Now, silo, item.JobId, ProbeEvent.Started, Item: item, Attempt: attempt));
        if (probe.WorkRules.TryGetValue(item.JobId, out var rule)) await rule(item, attempt, ct);
    }
}

/// <summary>Fails a phase of a job while the probe says so, else runs the real phase (for faults the pipeline has no hook for: probing, decoding).</summary>
public sealed class FaultyPhase(IJobPhase inner, JobProbe probe) : IJobPhase
{
    public JobPhase Phase => inner.Phase;

    public Task<PhaseOutcome> RunAsync(JobRun run, CancellationToken ct) =>
        probe.FailingPhases.ContainsKey((run.JobId, Phase))
            ? throw new InvalidOperationException($"injected {Phase.ToString().ToLowerInvariant()} fault")
            : inner.RunAsync(run, ct);
}
