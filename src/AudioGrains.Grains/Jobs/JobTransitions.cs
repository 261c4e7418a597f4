using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

/// <summary>What a phase ends with.</summary>
public enum PhaseOutcome
{
    /// <summary>The phase did its work; the job moves on.</summary>
    Done,

    /// <summary>The working PCM is gone (a wiped volume): the job decodes again rather than fail.</summary>
    WorkingPcmLost,
}

/// <summary>
/// Every move of a job between phases, in one place: the pipeline's order, the branches (analysis for stationary
/// noise reduction, segment encoding for Opus), the way back after a lost working PCM, and where an operator's retry
/// resumes. What each phase starts with (its completion bitmap) is set here too.
/// </summary>
public static class JobTransitions
{
    public static JobPhase Next(JobPhase from, PhaseOutcome outcome, JobState s) => (from, outcome) switch
    {
        (_, PhaseOutcome.WorkingPcmLost) => JobPhase.Decoding,
        (JobPhase.Queued, _) => JobPhase.Probing,
        (JobPhase.Probing, _) => JobPhase.Decoding,
        (JobPhase.Decoding, _) => JobPlanner.NeedsAnalysis(s.Spec!.Options) ? JobPhase.Analyzing : JobPhase.Processing,
        (JobPhase.Analyzing, _) => JobPhase.Processing,
        (JobPhase.Processing, _) => JobPlanner.EncodesSegments(s.Spec!.Options, s.Layout!.SampleRate) ? JobPhase.Encoding : JobPhase.Assembling,
        (JobPhase.Encoding, _) => JobPhase.Assembling,
        (JobPhase.Assembling, _) => JobPhase.Completed,
        _ => throw new InvalidOperationException($"no phase follows {from}"),
    };

    /// <summary>
    /// Where an operator's retry of a dead-lettered job resumes: the phase that failed when the working PCM is still
    /// there (finished chunks and segments are found in the store and reused), otherwise the beginning.
    /// </summary>
    public static JobPhase ResumeAfterRetry(JobPhase? failedIn, bool hasWorkingPcm) =>
        !hasWorkingPcm ? JobPhase.Queued
        : failedIn is JobPhase.Analyzing or JobPhase.Processing or JobPhase.Encoding or JobPhase.Assembling ? failedIn.Value
        : JobPhase.Processing;

    /// <summary>Moves the job into <paramref name="to"/> with what that phase starts from: an empty bitmap for its pass, no failed tries.</summary>
    public static void Enter(JobState s, JobPhase to)
    {
        s.Phase = to;
        s.Attempts = 0;
        switch (to)
        {
            case JobPhase.Queued or JobPhase.Analyzing:
                s.AnalysisStep = AnalysisStep.Maxima;
                s.CompletedChunks = CompletionBitmap.For(s.Layout?.Chunks().Count ?? 0);
                break;
            case JobPhase.Processing:
                s.CompletedChunks = CompletionBitmap.For(s.Layout!.Chunks().Count);
                break;
            case JobPhase.Encoding:
                s.EncodedSegments = CompletionBitmap.For(JobPlanner.Segments(s.Layout!.TotalFrames, s.Layout.SegmentFrames).Count);
                break;
        }
    }
}
