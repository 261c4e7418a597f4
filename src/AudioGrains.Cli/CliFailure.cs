using AudioGrains.Abstractions;

namespace AudioGrains.Cli;

/// <summary>The CLI's error contract: one line on standard error, `error: CODE: message`, and a non-zero exit.</summary>
public static class CliFailure
{
    public const int ExitError = 1;
    public const int ExitCancelled = 130;

    public static int Report(AudioGrainsException e)
    {
        Console.Error.WriteLine($"error: {e.Code}: {OneLine(e.Message)}");
        return ExitError;
    }

    public static int Report(Exception e)
    {
        Console.Error.WriteLine($"error: {ErrorCodes.ProcessingFailed}: {OneLine(e.Message)}");
        return ExitError;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
