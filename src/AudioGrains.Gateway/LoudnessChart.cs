using System.Globalization;
using System.Xml.Linq;
using AudioGrains.Abstractions;

namespace AudioGrains.Gateway;

/// <summary>
/// A job's short-term loudness before and after as a self-contained SVG (GET /jobs/{id}/loudness.svg): time across,
/// LUFS up, the input and the output as two polylines, the target as a dashed line and the true-peak ceiling as a solid
/// one, each labelled. Pure: the same series gives the same bytes, on any culture.
/// </summary>
/// <remarks>
/// Silence (−∞) and anything below the bottom of the scale is drawn on the bottom edge, so each series stays one
/// polyline with one vertex per point. The scale runs from 10 LU under the lowest of the lines (never below the −70 LUFS
/// absolute gate) to above the highest of values, target and ceiling, in steps of 5. The ceiling is in dBTP on the
/// same decibel axis: it shows how much room the peaks had, not a loudness.
/// </remarks>
public static class LoudnessChart
{
    public const int Width = 960;
    public const int Height = 420;

    /// <summary>The plotting rectangle inside the margins (axes labels, title and legend are outside it).</summary>
    public static readonly (int Left, int Top, int Right, int Bottom) Plot = (64, 56, Width - 24, Height - 48);

    public const string InputColour = "#1c7ed6";
    public const string OutputColour = "#f76707";
    public const string TargetColour = "#2b8a3e";
    public const string CeilingColour = "#c92a2a";

    private const double AbsoluteGateLufs = -70;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly double[] TimeSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

    public static string Render(LoudnessSeries series, double targetLufs, double truePeakCeilingDbtp, string title)
    {
        ArgumentNullException.ThrowIfNull(series);
        var scale = new Scale(series, targetLufs, truePeakCeilingDbtp);
        var svg = new XElement(Svg + "svg",
            new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 12),
            new XElement(Svg + "title", title),
            new XElement(Svg + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "#ffffff")),
            Text(Plot.Left, 22, title, ("font-size", "15"), ("font-weight", "bold")),
            LoudnessAxis(scale),
            TimeAxis(scale),
            new XElement(Svg + "rect", Attr("x", Plot.Left), Attr("y", Plot.Top), Attr("width", Plot.Right - Plot.Left), Attr("height", Plot.Bottom - Plot.Top),
                new XAttribute("fill", "none"), new XAttribute("stroke", "#495057")),
            Level(scale, truePeakCeilingDbtp, CeilingColour, null, $"true-peak ceiling {Number(truePeakCeilingDbtp)} dBTP", "ceiling"),
            Level(scale, targetLufs, TargetColour, "8 5", $"target {Number(targetLufs)} LUFS", "target"),
            Line(scale, series.InputLufs, InputColour, "input"),
            Line(scale, series.OutputLufs, OutputColour, "output"),
            Legend());
        return svg.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Where a time and a level fall on the drawing.</summary>
    private sealed class Scale
    {
        public Scale(LoudnessSeries series, double target, double ceiling)
        {
            SecondsPerPoint = series.SecondsPerPoint > 0 ? series.SecondsPerPoint : 1;
            var points = Math.Max(series.InputLufs.Length, series.OutputLufs.Length);
            Duration = Math.Max(1, series.DurationSeconds > 0 ? series.DurationSeconds : points * SecondsPerPoint);

            var finite = series.InputLufs.Concat(series.OutputLufs).Where(v => double.IsFinite(v) && v >= AbsoluteGateLufs).ToList();
            var lines = new[] { target, ceiling }.Where(double.IsFinite).ToList();
            var high = finite.Concat(lines).DefaultIfEmpty(0).Max();
            var low = finite.Concat(lines).DefaultIfEmpty(AbsoluteGateLufs).Min();
            Top = Math.Ceiling((high + 0.5) / 5) * 5;
            Bottom = Math.Max(AbsoluteGateLufs, Math.Floor((low - 10) / 5) * 5);
            if (Top - Bottom < 20) Bottom = Top - 20;
        }

        public double SecondsPerPoint { get; }
        public double Duration { get; }
        public double Top { get; }
        public double Bottom { get; }

        public double X(double seconds) => Plot.Left + Math.Clamp(seconds / Duration, 0, 1) * (Plot.Right - Plot.Left);

        /// <summary>Below the scale (silence included) is the bottom edge; above it, the top edge.</summary>
        public double Y(double lufs)
        {
            var v = double.IsNaN(lufs) || lufs < Bottom ? Bottom : Math.Min(lufs, Top);
            return Plot.Bottom - (v - Bottom) / (Top - Bottom) * (Plot.Bottom - Plot.Top);
        }
    }

    private static XElement LoudnessAxis(Scale scale)
    {
        var group = new XElement(Svg + "g", new XAttribute("class", "lufs-axis"));
        var step = scale.Top - scale.Bottom > 40 ? 10 : 5;
        for (var v = scale.Top; v >= scale.Bottom - 1e-9; v -= step)
        {
            var y = scale.Y(v);
            group.Add(new XElement(Svg + "line", Attr("x1", Plot.Left), Attr("x2", Plot.Right), Attr("y1", y), Attr("y2", y),
                new XAttribute("stroke", "#e9ecef")));
            group.Add(Text(Plot.Left - 6, y + 4, Number(v), ("text-anchor", "end")));
        }
        group.Add(Text(16, (Plot.Top + Plot.Bottom) / 2.0, "LUFS", ("text-anchor", "middle"),
            ("transform", $"rotate(-90 16 {Number((Plot.Top + Plot.Bottom) / 2.0)})")));
        return group;
    }

    private static XElement TimeAxis(Scale scale)
    {
        var group = new XElement(Svg + "g", new XAttribute("class", "time-axis"));
        var step = TimeSteps.FirstOrDefault(s => scale.Duration / s <= 10, 86400 * Math.Ceiling(scale.Duration / 86400 / 10));
        for (var t = 0.0; t <= scale.Duration + 1e-9; t += step)
        {
            var x = scale.X(t);
            group.Add(new XElement(Svg + "line", Attr("x1", x), Attr("x2", x), Attr("y1", Plot.Bottom), Attr("y2", Plot.Bottom + 5),
                new XAttribute("stroke", "#495057")));
            group.Add(Text(x, Plot.Bottom + 18, Clock(t, scale.Duration), ("text-anchor", "middle")));
        }
        group.Add(Text((Plot.Left + Plot.Right) / 2.0, Height - 10, scale.Duration >= 3600 ? "time (h:mm)" : "time (m:ss)", ("text-anchor", "middle")));
        return group;
    }

    /// <summary>m:ss under an hour, h:mm from an hour on.</summary>
    public static string Clock(double seconds, double duration)
    {
        var whole = (long)Math.Round(seconds);
        return duration >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{whole / 3600}:{whole / 60 % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{whole / 60}:{whole % 60:00}");
    }

    private static XElement Level(Scale scale, double level, string colour, string? dashes, string label, string name)
    {
        var y = scale.Y(level);
        var line = new XElement(Svg + "line", new XAttribute("class", name), Attr("x1", Plot.Left), Attr("x2", Plot.Right), Attr("y1", y), Attr("y2", y),
            new XAttribute("stroke", colour), new XAttribute("stroke-width", 1.5));
        if (dashes is not null) line.Add(new XAttribute("stroke-dasharray", dashes));
        // Above the line, or below it where the plot's top edge leaves no room.
        var labelY = y - 5 < Plot.Top + 14 ? y + 15 : y - 5;
        return new XElement(Svg + "g", line, Text(Plot.Right - 4, labelY, label, ("text-anchor", "end"), ("fill", colour)));
    }

    private static XElement Line(Scale scale, double[] lufs, string colour, string name)
    {
        var points = string.Join(' ', lufs.Select((v, i) =>
            $"{Number(scale.X(Math.Min((i + 0.5) * scale.SecondsPerPoint, scale.Duration)))},{Number(scale.Y(v))}"));
        return new XElement(Svg + "polyline", new XAttribute("class", name), new XAttribute("points", points),
            new XAttribute("fill", "none"), new XAttribute("stroke", colour), new XAttribute("stroke-width", 2),
            new XAttribute("stroke-linejoin", "round"));
    }

    private static XElement Legend()
    {
        var group = new XElement(Svg + "g", new XAttribute("class", "legend"));
        var x = Plot.Right - 260.0;
        foreach (var (label, colour) in new[] { ("input (before)", InputColour), ("output (after)", OutputColour) })
        {
            group.Add(new XElement(Svg + "rect", Attr("x", x), Attr("y", 30), Attr("width", 18), Attr("height", 4), new XAttribute("fill", colour)));
            group.Add(Text(x + 24, 36, label));
            x += 130;
        }
        return group;
    }

    private static XElement Text(double x, double y, string text, params (string Name, string Value)[] attributes)
    {
        var element = new XElement(Svg + "text", Attr("x", x), Attr("y", y), text);
        foreach (var (name, value) in attributes) element.Add(new XAttribute(name, value));
        return element;
    }

    private static XAttribute Attr(string name, double value) => new(name, Number(value));

    // + 0.0 turns −0 into 0, so no "-0" label.
    private static string Number(double value) => (Math.Round(value, 2) + 0.0).ToString("0.##", CultureInfo.InvariantCulture);
}
