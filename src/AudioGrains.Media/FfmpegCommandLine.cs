using System.Text;

namespace AudioGrains.Media;

/// <summary>
/// Puts values into the argument text that FFMpegCore's <c>FFMpegArguments</c> builds. That text is split into arguments
/// again the way .NET splits <c>ProcessStartInfo.Arguments</c> (Windows rules, on Linux too), and FFMpegCore wraps paths
/// in bare quotes: unescaped, a quote or a trailing backslash in a file name would end the name early and let the rest
/// be read as options.
/// </summary>
internal static class FfmpegCommandLine
{
    /// <summary>A path or URL for FFMpegCore to wrap in quotes itself (its inputs and outputs).</summary>
    public static string Quoted(string value) => Escaped(value);

    /// <summary>Arguments for <c>WithCustomArgument</c>, each of them kept one argument whatever it holds.</summary>
    public static string Join(params IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Argument));

    private static string Argument(string value) =>
        value.Length > 0 && value.AsSpan().IndexOfAny(" \t\"") < 0 ? value : '"' + Escaped(value) + '"';

    /// <summary>
    /// The inside of a quoted argument. Backslashes count only before a quote: there they are doubled, and a quote of the
    /// value gets one of its own; the closing quote follows, so trailing backslashes are doubled too.
    /// </summary>
    private static string Escaped(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        var backslashes = 0;
        foreach (var c in value)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            text.Append('\\', c == '"' ? 2 * backslashes + 1 : backslashes).Append(c);
            backslashes = 0;
        }
        return text.Append('\\', 2 * backslashes).ToString();
    }
}
