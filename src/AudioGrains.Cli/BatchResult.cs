using AudioGrains.Abstractions;

namespace AudioGrains.Cli;

/// <summary>How one input of a batch ended: its completed job, or the error code and message that stopped it.</summary>
public sealed record BatchResult(string Input, string Output, JobStatus? Completed, string? ErrorCode, string? ErrorMessage, double ElapsedSeconds)
{
    public bool Failed => Completed is null;

    public static BatchResult Success(string input, string output, JobStatus completed, double elapsedSeconds) =>
        new(input, output, completed, null, null, elapsedSeconds);

    public static BatchResult Failure(string input, string output, string code, string message, double elapsedSeconds) =>
        new(input, output, null, code, message, elapsedSeconds);
}
