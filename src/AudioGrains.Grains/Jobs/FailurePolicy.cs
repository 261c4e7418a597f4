using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;

namespace AudioGrains.Grains.Jobs;

public enum FailureAction
{
    /// <summary>The error says something about the input or the request: fail now, keep nothing.</summary>
    Fail,

    /// <summary>Out of tries: fail, keep what is done, and let an operator retry.</summary>
    DeadLetter,

    /// <summary>Try the phase again after <see cref="FailureDecision.Delay"/>.</summary>
    Retry,
}

/// <summary>What to do about a failed try of a phase, with the code and message the job will show.</summary>
public sealed record FailureDecision(FailureAction Action, string Code, string Message, TimeSpan Delay);

/// <summary>
/// The job's failure policy: permanent errors (invalid media, too long, bad options...) fail at once; transient ones
/// (timeouts, a lost silo, IO) retry the phase with exponential backoff and jitter, up to MaxJobAttempts tries.
/// </summary>
public static class FailurePolicy
{
    /// <param name="attempt">The try that failed, counting from 1.</param>
    public static FailureDecision Decide(Exception error, JobPhase phase, int attempt, ProcessingOptions options)
    {
        var (code, message, permanent) = error switch
        {
            AudioGrainsException a => (a.Code, a.Message, a.IsPermanent),
            // Another exception's message may name server paths: the job shows only its kind (the log has the rest).
            _ => (ErrorCodes.ProcessingFailed, $"an internal error occurred ({error.GetType().Name})", false),
        };
        if (permanent) return new FailureDecision(FailureAction.Fail, code, message, TimeSpan.Zero);
        if (attempt >= options.MaxJobAttempts)
            return new FailureDecision(FailureAction.DeadLetter, code,
                $"{phase.ToString().ToLowerInvariant()} failed after {attempt} attempts: {message}", TimeSpan.Zero);
        return new FailureDecision(FailureAction.Retry, code, message, RetryDelay.For(attempt, options.RetryBaseDelay, options.RetryMaxDelay));
    }
}
