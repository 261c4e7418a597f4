namespace AudioGrains.Dsp;

/// <summary>
/// Compensated (Kahan–Babuška–Neumaier) running sum: hours of gating blocks are summed with an error
/// independent of their number.
/// </summary>
internal struct NeumaierSum
{
    private double _sum;
    private double _compensation;

    public void Add(double value)
    {
        var t = _sum + value;
        _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - t) + value : (value - t) + _sum;
        _sum = t;
    }

    public readonly double Value => _sum + _compensation;
}
