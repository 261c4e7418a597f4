namespace AudioGrains.Dsp;

/// <summary>
/// One channel of a second-order section in direct form I, double precision. Direct form I keeps the
/// past inputs and outputs themselves as state, which stays well conditioned for poles near z = 1
/// (the low high-pass corners used here).
/// </summary>
public sealed class Biquad(BiquadCoefficients c)
{
    private readonly BiquadCoefficients _c = c;
    private double _x1, _x2, _y1, _y2;

    public BiquadCoefficients Coefficients => _c;

    public double Process(double x)
    {
        var y = _c.B0 * x + _c.B1 * _x1 + _c.B2 * _x2 - _c.A2 * _y2 - _c.A1 * _y1;
        _x2 = _x1;
        _x1 = x;
        _y2 = _y1;
        _y1 = y;
        return y;
    }

    public void Reset() => _x1 = _x2 = _y1 = _y2 = 0;
}
