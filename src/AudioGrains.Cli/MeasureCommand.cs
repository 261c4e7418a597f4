using System.CommandLine;
using AudioGrains.Abstractions;
using AudioGrains.Grains;
using AudioGrains.Grains.Jobs;
using AudioGrains.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AudioGrains.Cli;

/// <summary>`audiograins measure INPUT [--json]`: the file as it is, at its own rate and channels.</summary>
public static class MeasureCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Audio or video file to measure" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var command = new Command("measure", "Measure loudness (EBU R128), loudness range, true peak and sample peak") { input, json };
        command.SetAction((parse, interruptible) => Interruption.RunAsync(interruptible, ct => RunAsync(parse.GetValue(input)!, parse.GetValue(json), ct)));
        return command;
    }

    private static Task<int> RunAsync(string input, bool json, CancellationToken ct) => CliFailure.GuardAsync(async () =>
    {
        var path = InputFile.Resolve(input);
        // The media settings come from configuration (AudioGrains__Ffmpeg__..., AudioGrains__Limits__...), as a silo's do.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        builder.Services.AddAudioGrainsMedia(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(ct);
        var services = host.Services;
        var report = await Measurements.MeasureFileAsync(services.GetRequiredService<MediaProbe>(), services.GetRequiredService<PcmDecoder>(),
            path, services.GetRequiredService<IOptions<MediaLimits>>().Value, ct);
        Console.Out.WriteLine(json ? LoudnessJson.Measurement(report) : TextReport.Measurement(Path.GetFileName(path), report));
        return 0;
    }, ct);
}
