using System.Globalization;
using System.Xml.Linq;
using AudioGrains.Abstractions;
using AudioGrains.Gateway;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Jobs.Tests;

/// <summary>A real job's loudness chart, rendered by headless Chromium: what a browser's job page shows.</summary>
[Collection(JobClusterCollection.Name)]
public sealed class LoudnessChartBrowserTests(JobClusterFixture fixture, ITestOutputHelper output)
{
    /// <summary>Set to a path to keep the screenshot (docs/images/loudness-chart.png is made so).</summary>
    private const string SaveVariable = "AUDIOGRAINS_SAVE_CHART_PNG";

    [ChromiumFact]
    public async Task Chromium_draws_both_series_in_their_colours_and_the_target_line()
    {
        var jobs = fixture.Jobs;
        // Two minutes of a chord: 40 s moderate, 40 s 8 dB quieter, 40 s 6 dB louder, about 8 dB under the target, with a slow swell.
        var input = await TestAudio.LavfiAsync(jobs.Files.File("programme.wav"),
            "aevalsrc='if(lt(t,40),0.05,if(lt(t,80),0.02,0.1))*(0.7+0.3*sin(2*PI*0.05*t))*(sin(2*PI*220*t)+0.6*sin(2*PI*277.18*t)+0.5*sin(2*PI*329.63*t))*(0.6+0.4*sin(2*PI*0.5*t))':s=16000:d=120");
        var jobId = JobClusterFixture.NewJobId("chart");
        await jobs.StartJobAsync(jobId, input, JobClusterFixture.Wav with { ChunkSeconds = 10 });
        var status = await jobs.WaitForTerminalAsync(jobId, TimeSpan.FromSeconds(60));
        Assert.True(status.Phase == JobPhase.Completed, $"{status.Phase}: {status.ErrorCode}: {status.ErrorMessage}");
        var series = await jobs.Job(jobId).GetLoudnessSeriesAsync();
        Assert.Equal(120, series.OutputLufs.Length);
        var svgPath = jobs.Files.File($"{jobId}.svg");
        await File.WriteAllTextAsync(svgPath, LoudnessChart.Render(series, status.Options!.TargetLufs, status.Options.TruePeakCeilingDbtp, "programme.wav"));
        var browser = HeadlessBrowser.Default();

        // The browser parses it as an SVG document with both lines.
        var dom = XDocument.Parse(await browser.DumpDomAsync(svgPath)).Root!;
        Assert.Equal(2, dom.Descendants().Count(e => e.Name.LocalName == "polyline"));

        var pngPath = jobs.Files.File($"{jobId}.png");
        await browser.ScreenshotAsync(svgPath, pngPath, LoudnessChart.Width, LoudnessChart.Height);
        var png = PngImage.Read(pngPath);
        Assert.Equal((LoudnessChart.Width, LoudnessChart.Height), (png.Width, png.Height));

        // Inside the plot (the legend is outside it), each series' colour covers a line's worth of pixels.
        var (left, top, right, bottom) = LoudnessChart.Plot;
        var inputPixels = png.CountNear(LoudnessChart.InputColour, left + 2, top + 2, right - 2, bottom - 2);
        var outputPixels = png.CountNear(LoudnessChart.OutputColour, left + 2, top + 2, right - 2, bottom - 2);
        var targetY = (int)Math.Round(LoudnessChartTests.LineY(XDocument.Parse(await File.ReadAllTextAsync(svgPath)).Root!, "target"));
        var targetPixels = png.CountNear(LoudnessChart.TargetColour, left + 2, targetY - 1, right - 2, targetY + 1);
        output.WriteLine(F($"gain {series.GainDb:F2} dB; pixels: input {inputPixels}, output {outputPixels}, target row {targetPixels}; PNG {new FileInfo(pngPath).Length} bytes"));
        Assert.True(inputPixels > 500, $"{inputPixels} pixels of the input's colour");
        Assert.True(outputPixels > 500, $"{outputPixels} pixels of the output's colour");
        // The dashes (8 on, 5 off) cover about 60 % of the target's row.
        Assert.True(targetPixels > (right - left) / 3, $"{targetPixels} pixels of the target's colour on its row {targetY}");

        if (Environment.GetEnvironmentVariable(SaveVariable) is { Length: > 0 } keep) File.Copy(pngPath, keep, overwrite: true);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
