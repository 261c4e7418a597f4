namespace AudioGrains.Dsp;

/// <summary>
/// The periodic Hann window (scipy's hann(n, sym=False), librosa's default): w[i] = ½ − ½·cos(2πi/n).
/// Its sum is exactly n/2, and at hops of n/4 or finer its squares overlap-add to a constant.
/// </summary>
public static class HannWindow
{
    public static double[] Periodic(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var w = new double[length];
        for (var i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / length);
        return w;
    }
}
