using AudioGrains.Testing;

namespace AudioGrains.Jobs.Tests;

/// <summary>The browser fixture and the PNG reader the chart's rendering test relies on, on a picture of known pixels.</summary>
public sealed class HeadlessBrowserTests
{
    [ChromiumFact]
    public async Task A_screenshot_reads_back_the_colours_where_they_were_drawn()
    {
        using var folder = new TempFolder();
        var svg = folder.File("quadrants.svg");
        // Four flat quadrants and a diagonal of shades, so every PNG row filter has work to do.
        await File.WriteAllTextAsync(svg, """
            <svg xmlns="http://www.w3.org/2000/svg" width="400" height="240" viewBox="0 0 400 240">
              <rect x="0" y="0" width="200" height="120" fill="#ff0000"/>
              <rect x="200" y="0" width="200" height="120" fill="#00ff00"/>
              <rect x="0" y="120" width="200" height="120" fill="#0000ff"/>
              <rect x="200" y="120" width="200" height="120" fill="#123456"/>
              <line x1="0" y1="0" x2="400" y2="240" stroke="#808080" stroke-width="5"/>
            </svg>
            """);
        var png = folder.File("quadrants.png");

        await HeadlessBrowser.Default().ScreenshotAsync(svg, png, 400, 240);
        var image = PngImage.Read(png);

        Assert.Equal((400, 240), (image.Width, image.Height));
        Assert.Equal(((byte)0xff, (byte)0, (byte)0, (byte)255), image.Pixel(20, 100));
        Assert.Equal(((byte)0, (byte)0xff, (byte)0, (byte)255), image.Pixel(380, 20));
        Assert.Equal(((byte)0, (byte)0, (byte)0xff, (byte)255), image.Pixel(20, 230));
        Assert.Equal(((byte)0x12, (byte)0x34, (byte)0x56, (byte)255), image.Pixel(380, 130));
        Assert.Equal(((byte)0x80, (byte)0x80, (byte)0x80, (byte)255), image.Pixel(200, 120));
        var dom = await HeadlessBrowser.Default().DumpDomAsync(svg);
        Assert.Contains("#123456", dom);
    }
}
