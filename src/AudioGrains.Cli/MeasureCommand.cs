using System.CommandLine;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Jobs;
using AudioGrains.Media;

namespace AudioGrains.Cli;

/// <summary>`audiograins measure INPUT [--json]`: the file as it is, at its own rate and channels.</summary>
public static class MeasureCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Audio or video file to measure" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var command = new Command("measure", "Measure loudness (EBU R128), loudness range, true peak and sample peak") { input, json };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(input)!, parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string input, bool json, CancellationToken ct)
    {
        try
        {
            var path = InputFile.Resolve(input);
            var ffmpeg = new FfmpegOptions();
            var report = await Measurements.MeasureFileAsync(new MediaProbe(ffmpeg), new PcmDecoder(ffmpeg), path, new MediaLimits(), ct);
            Console.Out.WriteLine(json ? LoudnessJson.Measurement(report) : TextReport.Measurement(Path.GetFileName(path), report));
            return 0;
        }
        catch (AudioGrainsException e)
        {
            return CliFailure.Report(e);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return CliFailure.ExitCancelled;
        }
    }
}
