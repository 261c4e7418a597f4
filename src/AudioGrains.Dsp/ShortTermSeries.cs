namespace AudioGrains.Dsp;

/// <summary>
/// Short-term loudness over time, for a chart, from per-segment energy sums S_k (the ones a meter or a chunk already
/// keeps): the EBU R128 short-term value (a 3 s window, 30 segments) at every 100 ms segment, reduced to one point per
/// <c>segmentsPerPoint</c> segments by taking each bucket's maximum.
/// </summary>
/// <remarks>
/// Maximum, not the energy mean: a chart is read for "where does it get loud", and the maximum of a bucket is the
/// highest value a 10 Hz short-term meter showed in it, so a loud passage cannot vanish when a long file is drawn with
/// few points; the 3 s window already smooths. Both reductions commute with a linear gain (a constant in dB), so an
/// output series is the input's plus the gain either way.
/// The value at segment e covers segments e−29..e; in the first 3 s the window holds only the segments so far, so the
/// chart starts at 0 s instead of at 3 s. A bucket of silence is −∞ LUFS.
/// Streaming: memory is the 30-segment window and the points, whatever the length of the signal.
/// </remarks>
public sealed class ShortTermSeries
{
    /// <summary>Points per series: a 10-hour file still draws at one point per 9 s.</summary>
    public const int DefaultMaxPoints = 4000;

    /// <summary>The finest resolution: one point per second (10 segments).</summary>
    public const int MinSegmentsPerPoint = 10;

    private const int Window = LoudnessSegments.PerShortTermWindow;

    private readonly double _samplesPerSegment;
    private readonly int _segmentsPerPoint;
    private readonly double[] _window = new double[Window];
    private readonly List<double> _points = [];
    private long _segments;
    private double _bucketMax = double.NegativeInfinity;
    private int _inBucket;

    public ShortTermSeries(int segmentLength, int segmentsPerPoint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentsPerPoint, 1);
        _samplesPerSegment = segmentLength;
        _segmentsPerPoint = segmentsPerPoint;
    }

    /// <summary>Whole seconds per point, at least one, such that <paramref name="segments"/> make at most <paramref name="maxPoints"/> points.</summary>
    public static int SegmentsPerPoint(long segments, int maxPoints = DefaultMaxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        var needed = (segments + maxPoints - 1) / maxPoints;
        var seconds = Math.Max(1, (needed + MinSegmentsPerPoint - 1) / MinSegmentsPerPoint);
        return checked((int)(seconds * MinSegmentsPerPoint));
    }

    /// <summary>The series of a whole signal's segment energies: LUFS per point, the last point from a partial bucket.</summary>
    public static double[] Of(ReadOnlySpan<double> segmentEnergies, int segmentLength, int segmentsPerPoint)
    {
        var series = new ShortTermSeries(segmentLength, segmentsPerPoint);
        series.Add(segmentEnergies);
        return series.Points();
    }

    public void Add(ReadOnlySpan<double> segmentEnergies)
    {
        foreach (var s in segmentEnergies) Add(s);
    }

    /// <summary>The next segment's energy sum S_k = Σ_c G_c Σ_n y_c[n]².</summary>
    public void Add(double segmentEnergy)
    {
        _window[_segments % Window] = segmentEnergy;
        _segments++;
        var held = (int)Math.Min(_segments, Window);
        // Summed afresh each time (as LoudnessRange does) so no rounding drifts over hours.
        var sum = 0.0;
        for (var i = 0; i < held; i++) sum += _window[i];
        var z = sum / (held * _samplesPerSegment);
        if (z > _bucketMax || double.IsNaN(z)) _bucketMax = z;
        if (++_inBucket == _segmentsPerPoint) CloseBucket();
    }

    /// <summary>LUFS per point so far, a trailing partial bucket included (it stays open for more segments).</summary>
    public double[] Points()
    {
        var points = new double[_points.Count + (_inBucket > 0 ? 1 : 0)];
        _points.CopyTo(points);
        if (_inBucket > 0) points[^1] = BlockLoudness.FromEnergy(_bucketMax);
        return points;
    }

    private void CloseBucket()
    {
        _points.Add(BlockLoudness.FromEnergy(_bucketMax));
        _bucketMax = double.NegativeInfinity;
        _inBucket = 0;
    }
}
