using AudioGrains.Abstractions;
using AudioGrains.Media;

namespace AudioGrains.Cli;

/// <summary>
/// Where a batch writes: DIR/NAME.EXT for each input, NAME its file name without its extension, EXT the format's
/// (talk.mp3 with --format wav is DIR/talk.wav). Two inputs that would write the same file are refused before any
/// work, naming both: names that differ only in case count as the same, as they do on macOS and Windows file systems.
/// </summary>
public static class BatchOutputs
{
    public static IReadOnlyList<string> For(IReadOnlyList<string> inputs, string outputDirectory, OutputFormat format)
    {
        var folder = Path.GetFullPath(outputDirectory);
        if (File.Exists(folder))
            throw new AudioGrainsException(ErrorCodes.InvalidOptions, $"--output-dir \"{outputDirectory}\" is a file, not a folder");
        var extension = OutputFormats.Extension(format);
        var outputs = new List<string>(inputs.Count);
        var claimed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in inputs)
        {
            var output = Path.Combine(folder, Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(input)) + extension);
            if (!claimed.TryAdd(output, input))
                throw new AudioGrainsException(ErrorCodes.InvalidOptions,
                    $"\"{claimed[output]}\" and \"{input}\" would both be written to \"{output}\"; rename one, or run them in separate batches");
            outputs.Add(output);
        }
        OutputFile.CheckFolderWritable(folder);
        return outputs;
    }
}
