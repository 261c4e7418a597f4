using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Jobs;

/// <summary>What a caller sees of a job: its phase, the progress figure, the counts of chunks and segments done, the report.</summary>
public static class JobStatusProjection
{
    /// <summary>
    /// Progress in percent by phase: probe and decode 0-5, analysis 5-15 (two steps), processing 15-85, encoding
    /// 85-95, assembly 96, completed 100. Within a chunk or segment pass it grows with the items done.
    /// </summary>
    public static int Progress(JobState s)
    {
        var chunks = s.Layout?.Chunks().Count ?? 0;
        var chunksDone = CompletionBitmap.Count(s.CompletedChunks);
        var segments = s.Layout is null ? 0 : JobPlanner.Segments(s.Layout.TotalFrames, s.Layout.SegmentFrames).Count;
        static double Fraction(int done, int total) => total == 0 ? 0 : (double)done / total;
        return s.Phase switch
        {
            JobPhase.Queued => 0,
            JobPhase.Probing => 1,
            JobPhase.Decoding => 3,
            JobPhase.Analyzing => 5 + (int)(5 * ((int)s.AnalysisStep - 1 + Fraction(chunksDone, chunks))),
            JobPhase.Processing => 15 + (int)(70 * Fraction(chunksDone, chunks)),
            JobPhase.Encoding => 85 + (int)(10 * Fraction(CompletionBitmap.Count(s.EncodedSegments), segments)),
            JobPhase.Assembling => 96,
            JobPhase.Completed => 100,
            _ => 0,
        };
    }

    public static JobStatus Of(string jobId, JobState s, string host)
    {
        if (s.Spec is null) return new JobStatus { JobId = jobId, Exists = false };
        var layout = s.Layout;
        var chunks = layout?.Chunks().Count ?? 0;
        var encodesSegments = layout is not null && JobPlanner.EncodesSegments(s.Spec.Options, layout.SampleRate);
        // Once processing is over every chunk is done, whatever pass the bitmap now belongs to.
        var processed = s.Phase is JobPhase.Encoding or JobPhase.Assembling or JobPhase.Completed;
        return new JobStatus
        {
            JobId = jobId,
            Phase = s.Phase,
            Progress = Progress(s),
            ChunksTotal = chunks,
            ChunksCompleted = processed ? chunks : Math.Min(chunks, CompletionBitmap.Count(s.CompletedChunks)),
            SegmentsTotal = encodesSegments ? JobPlanner.Segments(layout!.TotalFrames, layout.SegmentFrames).Count : 0,
            SegmentsCompleted = encodesSegments ? CompletionBitmap.Count(s.EncodedSegments) : 0,
            ErrorCode = s.ErrorCode,
            ErrorMessage = s.ErrorMessage,
            Report = s.Report,
            CreatedAt = s.CreatedAt,
            CompletedAt = s.CompletedAt,
            OutputKey = s.OutputKey,
            FileName = s.Spec.FileName,
            Host = host,
            Attempts = s.Attempts,
            Options = s.Spec.Options,
            InputSha256 = s.Spec.InputSha256,
            InputBytes = s.Spec.InputBytes,
            CallbackUrl = s.Spec.CallbackUrl,
            OutputBytes = s.OutputBytes,
            ExpiresAt = s.ExpiresAt,
        };
    }
}
