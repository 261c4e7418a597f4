using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// What a person looks at, in a real browser (headless Chromium) against a silo serving HTTP: a job's loudness chart
/// and its page, and the API reference.
/// </summary>
public sealed class BrowserTests(GatewaySilo cluster, ITestOutputHelper output) : IClassFixture<GatewaySilo>
{
    /// <summary>Set to a folder to keep the screenshots (docs/images/ is made so).</summary>
    private const string SaveVariable = "AUDIOGRAINS_SAVE_SCREENSHOTS";

    [ChromiumFact]
    public async Task Chromium_shows_the_loudness_chart_and_the_job_page_of_a_real_job()
    {
        // 90 s of a chord at three levels, well under the target: the output line sits above the input's.
        var input = await TestAudio.LavfiAsync(cluster.Dir.File("programme.wav"),
            "aevalsrc='if(lt(t,30),0.05,if(lt(t,60),0.02,0.08))*(0.7+0.3*sin(2*PI*0.05*t))*(sin(2*PI*220*t)+0.6*sin(2*PI*277.18*t)+0.5*sin(2*PI*329.63*t))':s=16000:d=90");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(input)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", "programme.wav" },
            { new StringContent("wav"), "output_format" },
        };
        using var posted = await cluster.Http.PostAsync("/jobs", form);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        string status;
        do
        {
            await Task.Delay(300);
            status = JsonDocument.Parse(await cluster.Http.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("status").GetString()!;
        }
        while (status is "queued" or "processing" && DateTime.UtcNow < deadline);
        Assert.Equal("completed", status);

        var browser = HeadlessBrowser.Default();
        var chartUrl = new Uri(cluster.Silo.HttpAddress, $"/jobs/{id}/loudness.svg").AbsoluteUri;
        var chartPng = cluster.Dir.File("chart.png");
        await browser.ScreenshotAsync(chartUrl, chartPng, LoudnessChart.Width, LoudnessChart.Height);
        var png = PngImage.Read(chartPng);
        var (left, top, right, bottom) = LoudnessChart.Plot;
        var inputPixels = png.CountNear(LoudnessChart.InputColour, left + 2, top + 2, right - 2, bottom - 2);
        var outputPixels = png.CountNear(LoudnessChart.OutputColour, left + 2, top + 2, right - 2, bottom - 2);
        var targetPixels = png.CountNear(LoudnessChart.TargetColour, left + 2, top + 2, right - 2, bottom - 2);
        output.WriteLine($"chart pixels: input {inputPixels}, output {outputPixels}, target {targetPixels}");
        Assert.True(inputPixels > 400, $"{inputPixels} pixels of the input's colour");
        Assert.True(outputPixels > 400, $"{outputPixels} pixels of the output's colour");
        Assert.True(targetPixels > (right - left) / 3, $"{targetPixels} pixels of the target's colour");

        // The job page: the browser built the table and the chart image from the server's page.
        var pageUrl = new Uri(cluster.Silo.HttpAddress, $"/jobs/{id}/view").AbsoluteUri;
        var page = await browser.DumpDomAsync(pageUrl);
        Assert.Contains("<h1>programme.wav</h1>", page, StringComparison.Ordinal);
        Assert.Contains($"src=\"/jobs/{id}/loudness.svg\"", page, StringComparison.Ordinal);
        Assert.Contains("completed · 100%", page, StringComparison.Ordinal);
        var pagePng = cluster.Dir.File("job-page.png");
        await browser.ScreenshotAsync(pageUrl, pagePng, 1024, 1400);
        // The chart, drawn inside the page, is there too.
        Assert.True(PngImage.Read(pagePng).CountNear(LoudnessChart.OutputColour, 0, 0, 1023, 1399) > 400);
        Keep(chartPng, "gateway-loudness-chart.png");
        Keep(pagePng, "gateway-job-page.png");
    }

    [ChromiumFact]
    public async Task Chromium_renders_the_API_reference_from_the_OpenAPI_document()
    {
        var reference = new Uri(cluster.Silo.HttpAddress, "/scalar/v1").AbsoluteUri;
        var dom = await HeadlessBrowser.Default().DumpDomAsync(reference, scriptMilliseconds: 15000);
        // Rendered by the page's script from /openapi/v1.json: the routes' summaries are in the DOM.
        Assert.Contains("AudioGrains HTTP API", dom, StringComparison.Ordinal);
        Assert.Contains("Submit a file", dom, StringComparison.Ordinal);
        Assert.Contains("loudness", dom, StringComparison.Ordinal);
        var png = cluster.Dir.File("reference.png");
        await HeadlessBrowser.Default().ScreenshotAsync(reference, png, 1280, 900);
        Keep(png, "gateway-api-reference.png");
    }

    private static void Keep(string png, string name)
    {
        if (Environment.GetEnvironmentVariable(SaveVariable) is { Length: > 0 } folder) File.Copy(png, Path.Combine(folder, name), overwrite: true);
    }
}
