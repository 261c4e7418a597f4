namespace AudioGrains.Dsp;

/// <summary>
/// BS.1770 loudness of a mean-square energy z = Σ_c G_c·mean(y_c²): L = −0.691 + 10·log10(z).
/// Gates are compared in the energy domain so no logarithm is taken per block.
/// </summary>
public static class BlockLoudness
{
    private const double Offset = -0.691;

    public static double FromEnergy(double meanSquare) => Offset + 10 * Math.Log10(meanSquare);

    public static double ToEnergy(double lufs) => Math.Pow(10, (lufs - Offset) / 10);
}
