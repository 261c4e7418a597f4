using System.Globalization;
using System.Xml.Linq;
using AudioGrains.Abstractions;
using AudioGrains.Gateway;

namespace AudioGrains.Jobs.Tests;

/// <summary>The SVG of a loudness series: well-formed, both lines with a vertex per point, levels where the axis says.</summary>
public sealed class LoudnessChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Both_series_are_polylines_with_a_vertex_per_point_and_the_lines_sit_on_the_axis_scale()
    {
        // 40 s: 20 at −16 then 20 at −26 before, 7 dB less... after: −23 then −33, so the output's first half is on the target.
        double[] input = [.. Enumerable.Repeat(-16.0, 20), .. Enumerable.Repeat(-26.0, 20)];
        var series = new LoudnessSeries { SecondsPerPoint = 1, DurationSeconds = 40, GainDb = -7, InputLufs = input, OutputLufs = [.. input.Select(v => v - 7)] };

        var svg = XDocument.Parse(LoudnessChart.Render(series, -23, -1, "speech.wav")).Root!;

        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Equal($"{LoudnessChart.Width}", (string?)svg.Attribute("width"));
        Assert.Equal($"{LoudnessChart.Height}", (string?)svg.Attribute("height"));
        Assert.Equal($"0 0 {LoudnessChart.Width} {LoudnessChart.Height}", (string?)svg.Attribute("viewBox"));
        var inputLine = Vertices(svg, "input");
        var outputLine = Vertices(svg, "output");
        Assert.Equal(40, inputLine.Count);
        Assert.Equal(40, outputLine.Count);
        Assert.Equal(LoudnessChart.InputColour, (string?)Polyline(svg, "input").Attribute("stroke"));
        Assert.Equal(LoudnessChart.OutputColour, (string?)Polyline(svg, "output").Attribute("stroke"));

        // The target's dashed line is where the LUFS axis puts −23 (between its −25 and −20 ticks), and so is every
        // output vertex of the first half.
        var targetY = LineY(svg, "target");
        Assert.Equal(AxisY(svg, -23), targetY, 0.02);
        Assert.NotNull(svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == "target").Attribute("stroke-dasharray"));
        Assert.All(outputLine.Take(20), v => Assert.Equal(targetY, v.Y, 0.02));
        Assert.Equal(AxisY(svg, -33), outputLine[30].Y, 0.02);
        Assert.Equal(AxisY(svg, -1), LineY(svg, "ceiling"), 0.02);
        Assert.Equal(AxisY(svg, -16), inputLine[0].Y, 0.02);
        // Time runs left to right across the plot.
        Assert.True(inputLine.Zip(inputLine.Skip(1)).All(p => p.Second.X > p.First.X));
        Assert.InRange(inputLine[0].X, LoudnessChart.Plot.Left, LoudnessChart.Plot.Left + 20);
        Assert.InRange(inputLine[^1].X, LoudnessChart.Plot.Right - 20, LoudnessChart.Plot.Right);

        var texts = Texts(svg);
        Assert.Contains("target -23 LUFS", texts);
        Assert.Contains("true-peak ceiling -1 dBTP", texts);
        Assert.Contains("input (before)", texts);
        Assert.Contains("output (after)", texts);
        Assert.Contains("0:00", texts);
        Assert.Contains("0:40", texts);
        Assert.Contains("speech.wav", texts);
    }

    [Fact]
    public void The_title_is_escaped()
    {
        const string title = "<script>alert(\"x\")</script> & 'more'.wav";
        var text = LoudnessChart.Render(new LoudnessSeries { SecondsPerPoint = 1, DurationSeconds = 3, InputLufs = [-20, -20, -20], OutputLufs = [-23, -23, -23] }, -23, -1, title);

        var svg = XDocument.Parse(text).Root!;

        Assert.DoesNotContain("<script>", text);
        Assert.Empty(svg.Descendants(Svg + "script"));
        Assert.Equal(title, svg.Element(Svg + "title")!.Value);
        Assert.Contains(title, Texts(svg));
    }

    [Fact]
    public void Silence_is_drawn_on_the_bottom_edge_and_no_number_is_infinite()
    {
        var series = new LoudnessSeries
        {
            SecondsPerPoint = 1,
            DurationSeconds = 6,
            InputLufs = [-20, double.NegativeInfinity, double.NegativeInfinity, -20, -90, -20],
            OutputLufs = [-23, double.NegativeInfinity, double.NegativeInfinity, -23, -93, -23],
        };

        var text = LoudnessChart.Render(series, -23, -1, "gaps");
        var svg = XDocument.Parse(text).Root!;

        Assert.DoesNotContain("Infinity", text);
        Assert.DoesNotContain("NaN", text);
        Assert.DoesNotContain("∞", text);
        var input = Vertices(svg, "input");
        Assert.Equal(6, input.Count);
        Assert.Equal(LoudnessChart.Plot.Bottom, input[1].Y, 0.01);
        Assert.Equal(LoudnessChart.Plot.Bottom, input[4].Y, 0.01);
        Assert.True(input[0].Y < LoudnessChart.Plot.Bottom - 50);
    }

    [Fact]
    public void A_ten_hour_job_is_labelled_in_hours_and_minutes_with_its_4000_points()
    {
        var random = new Random(3);
        double[] input = [.. Enumerable.Range(0, 4000).Select(_ => -30 + 10 * random.NextDouble())];
        var series = new LoudnessSeries { SecondsPerPoint = 9, DurationSeconds = 36000, InputLufs = input, OutputLufs = [.. input.Select(v => v + 5)] };

        var text = LoudnessChart.Render(series, -23, -1, "ten hours");
        var svg = XDocument.Parse(text).Root!;

        Assert.Equal(4000, Vertices(svg, "input").Count);
        Assert.Equal(4000, Vertices(svg, "output").Count);
        var texts = Texts(svg);
        Assert.Contains("0:00", texts);
        Assert.Contains("2:00", texts);
        Assert.Contains("10:00", texts);
        Assert.Contains("time (h:mm)", texts);
        Assert.InRange(text.Length, 10_000, 200_000);
    }

    [Theory]
    [InlineData(0, 100, "0:00")]
    [InlineData(75, 100, "1:15")]
    [InlineData(3599, 3599, "59:59")]
    [InlineData(5400, 36000, "1:30")]
    [InlineData(36000, 36000, "10:00")]
    public void Clock_is_minutes_and_seconds_under_an_hour_else_hours_and_minutes(double seconds, double duration, string expected) =>
        Assert.Equal(expected, LoudnessChart.Clock(seconds, duration));

    private static XElement Polyline(XElement svg, string name) =>
        svg.Descendants(Svg + "polyline").Single(p => (string?)p.Attribute("class") == name);

    internal static List<(double X, double Y)> Vertices(XElement svg, string name) =>
    [
        .. ((string)Polyline(svg, name).Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture))),
    ];

    internal static double LineY(XElement svg, string name) =>
        double.Parse((string)svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == name).Attribute("y1")!, CultureInfo.InvariantCulture);

    /// <summary>Where the LUFS axis puts a level: interpolated between the two tick labels around it.</summary>
    private static double AxisY(XElement svg, double lufs)
    {
        var ticks = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "lufs-axis").Elements(Svg + "text")
            .Where(t => double.TryParse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .Select(t => (Lufs: double.Parse(t.Value, CultureInfo.InvariantCulture), Y: double.Parse((string)t.Attribute("y")!, CultureInfo.InvariantCulture) - 4))
            .OrderBy(t => t.Lufs).ToList();
        var below = ticks.Last(t => t.Lufs <= lufs);
        var above = ticks.First(t => t.Lufs >= lufs);
        return below.Lufs == above.Lufs ? below.Y : below.Y + (lufs - below.Lufs) / (above.Lufs - below.Lufs) * (above.Y - below.Y);
    }

    private static List<string> Texts(XElement svg) => [.. svg.Descendants(Svg + "text").Select(t => t.Value)];
}
