namespace AudioGrains.Dsp.Tests;

/// <summary>Each element-wise loop gives, in every lane and in the tail, exactly what its scalar formula gives.</summary>
public class ElementWiseTests
{
    private const int Length = 21; // whole vectors of any width up to 16, plus a tail

    private static double[] Values(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Length).Select(_ => random.NextDouble() * 4 - 2)];
    }

    [Fact]
    public void MultiplyIsTheProductPerElement()
    {
        double[] a = Values(1), b = Values(2), target = new double[Length];
        ElementWise.Multiply(a, b, target);
        for (var i = 0; i < Length; i++) Assert.Equal(a[i] * b[i], target[i]);
    }

    [Fact]
    public void AddAccumulates()
    {
        double[] a = Values(1), target = Values(2), expected = [.. target];
        ElementWise.Add(a, target);
        for (var i = 0; i < Length; i++) Assert.Equal(expected[i] + a[i], target[i]);
    }

    [Fact]
    public void MultiplyAddRoundsTheProductBeforeTheSum()
    {
        double[] a = Values(1), b = Values(2), target = Values(3), expected = [.. target];
        ElementWise.MultiplyAdd(a, b, target);
        for (var i = 0; i < Length; i++) Assert.Equal(expected[i] + a[i] * b[i], target[i]);
    }

    [Fact]
    public void DivideIsTheQuotientPerElement()
    {
        double[] a = Values(1), b = Values(2), target = new double[Length];
        ElementWise.Divide(a, b, target);
        for (var i = 0; i < Length; i++) Assert.Equal(a[i] / b[i], target[i]);
    }

    [Fact]
    public void ScaleOffsetScalesThenAdds()
    {
        double[] x = Values(1), expected = [.. x];
        ElementWise.ScaleOffset(x, 0.8, 1 - 0.8);
        for (var i = 0; i < Length; i++) Assert.Equal(expected[i] * 0.8 + (1 - 0.8), x[i]);
    }
}
