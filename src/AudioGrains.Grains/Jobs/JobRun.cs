using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

/// <summary>
/// What a phase works with while it runs one job: the job's state, its workspace and plan, the way to send work to
/// the chunks and segments, and the checkpoint (a write of the state). Made by the job grain for each phase it runs.
/// </summary>
public sealed class JobRun(string jobId, JobState state, JobWorkspace workspace, IWorkDispatcher dispatcher, FanOut fanOut,
    IJobObserver observer, Func<Task> checkpoint)
{
    public string JobId => jobId;

    public JobState State => state;

    public JobSpec Spec => state.Spec!;

    public JobWorkspace Workspace => workspace;

    public IWorkDispatcher Dispatcher => dispatcher;

    public JobPlan Plan => state.Plan(jobId);

    public Task CheckpointAsync() => checkpoint();

    /// <summary>One chunk pass (an analysis step or processing) over <paramref name="chunks"/>, recorded in the chunk bitmap.</summary>
    public Task RunChunksAsync(WorkKind kind, IReadOnlyList<int> chunks, Func<int, CancellationToken, Task<WorkOutcome>> call, CancellationToken ct) =>
        fanOut.RunAsync(jobId, kind, chunks, state.CompletedChunks, call, outcome => Record(kind, outcome), checkpoint, TryFailed, ct);

    /// <summary>The encode pass over every Opus segment, recorded in the segment bitmap.</summary>
    public Task RunSegmentsAsync(Func<int, CancellationToken, Task<WorkOutcome>> call, CancellationToken ct) =>
        fanOut.RunAsync(jobId, WorkKind.Encode, Enumerable.Range(0, Plan.Segments.Count).ToList(), state.EncodedSegments, call,
            outcome => Record(WorkKind.Encode, outcome), checkpoint, TryFailed, ct);

    private void Record(WorkKind kind, WorkOutcome outcome)
    {
        if (!state.WorkSilos.Contains(outcome.Silo)) state.WorkSilos.Add(outcome.Silo);
        observer.WorkCompleted(jobId, kind, outcome);
    }

    private void TryFailed(WorkItem item, int attempt, Exception error) => observer.TryFailed(jobId, state.Phase, item, attempt, error);
}
