using System.Diagnostics;
using FFMpegCore;

namespace AudioGrains.Media.Tests;

public sealed class FfmpegCommandLineTests : IDisposable
{
    private static readonly string[] Awkward =
    [
        "plain", "with space", "tab\there", "quote\"inside", "\"", "trailing\\", "back\\\\slashes\\\"quote", "",
        "'single'", "-i", "file:/tmp/we\"ird \\ name\\.wav",
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Custom_arguments_reach_the_child_one_by_one()
    {
        Assert.Equal(Awkward, await ArgumentsSeenAsync(FfmpegCommandLine.Join(Awkward)));
    }

    [Fact]
    public async Task Paths_that_ffmpegcore_quotes_reach_the_child_whole()
    {
        foreach (var path in Awkward.Where(p => p.Length > 0))
        {
            var commandLine = FFMpegArguments
                .FromUrlInput(FfmpegCommandLine.Quoted(path), o => o.WithCustomArgument("-f wav"))
                .OutputToFile(FfmpegCommandLine.Quoted(path + ".out"), overwrite: true, o => o.WithCustomArgument(FfmpegCommandLine.Join("-f", "wav")))
                .Arguments;

            Assert.Equal(["-f", "wav", "-i", path, "-f", "wav", path + ".out", "-y"], await ArgumentsSeenAsync(commandLine));
        }
    }

    [Fact]
    public async Task Decodes_and_encodes_files_whose_names_hold_quotes_backslashes_and_spaces()
    {
        var input = await MediaFactory.ToneAsync(_folder.File("a \"quoted\" name\\.wav"), 16000, 1, 0.5);
        var info = await new MediaProbe(MediaFactory.Options).ProbeAsync(input, new MediaLimits(), CancellationToken.None);
        var decoded = _folder.File("out \\\" -y x\\");
        var encoded = _folder.File("again \"\\ -f.flac");

        var frames = await new PcmDecoder(MediaFactory.Options).DecodeAsync(input, info, info.NativeFormat, decoded, null, CancellationToken.None);
        await using (var session = new PcmEncoder(MediaFactory.Options).Start(encoded, OutputFormat.Flac, info.NativeFormat, 0.5, CancellationToken.None))
        {
            await session.WriteAsync(MediaFactory.ReadRawFloats(decoded), CancellationToken.None);
            await session.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(8000, frames);
        Assert.Equal(MediaFactory.ReadFloatWav(input), MediaFactory.ReadRawFloats(decoded));
        Assert.Equal(["a \"quoted\" name\\.wav", "again \"\\ -f.flac", "out \\\" -y x\\"], _folder.Names());
    }

    /// <summary>The arguments a child gets for <paramref name="commandLine"/>, as printf prints them back.</summary>
    private static async Task<string[]> ArgumentsSeenAsync(string commandLine)
    {
        var startInfo = new ProcessStartInfo("/usr/bin/printf", "%s\\0 " + commandLine) { RedirectStandardOutput = true };
        using var process = Process.Start(startInfo)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Split('\0')[..^1];
    }
}
