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

    /// <summary>Runs a command's body under the error contract: a known failure is one `error: CODE: message` line, Ctrl+C is 130.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body();
        }
        catch (AudioGrainsException e)
        {
            return Report(e);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            return Report(new AudioGrainsException(ErrorCodes.InvalidOptions, e.Message));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file that could not be read or written after the checks (disk full, removed meanwhile): the contract's line, not a stack trace.
            return Report(e);
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
