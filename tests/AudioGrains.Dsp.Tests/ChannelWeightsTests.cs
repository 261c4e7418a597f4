namespace AudioGrains.Dsp.Tests;

public class ChannelWeightsTests
{
    [Theory]
    [InlineData(1, "mono", new[] { 1.0 })]
    [InlineData(2, "stereo", new[] { 1.0, 1.0 })]
    [InlineData(3, "2.1", new[] { 1.0, 1.0, 0.0 })]
    [InlineData(3, "3.0", new[] { 1.0, 1.0, 1.0 })]
    [InlineData(4, "quad", new[] { 1.0, 1.0, 1.41, 1.41 })]
    [InlineData(5, "5.0", new[] { 1.0, 1.0, 1.0, 1.41, 1.41 })]
    [InlineData(6, "5.1", new[] { 1.0, 1.0, 1.0, 0.0, 1.41, 1.41 })]
    [InlineData(5, "5.0(side)", new[] { 1.0, 1.0, 1.0, 1.41, 1.41 })]
    [InlineData(6, "5.1(side)", new[] { 1.0, 1.0, 1.0, 0.0, 1.41, 1.41 })]
    [InlineData(5, "4.1", new[] { 1.0, 1.0, 1.0, 0.0, 1.41 })]
    [InlineData(7, "6.1", new[] { 1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.41 })]
    [InlineData(8, "7.1", new[] { 1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.41, 1.41 })]
    [InlineData(8, "7.1(wide)", new[] { 1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.0, 1.0 })]
    [InlineData(10, "5.1.4", new[] { 1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.0, 1.0, 1.41, 1.41 })]
    [InlineData(3, "FL+FR+LFE", new[] { 1.0, 1.0, 0.0 })]
    [InlineData(3, "LFE+FL+FR", new[] { 0.0, 1.0, 1.0 })] // explicit order is kept
    [InlineData(6, "5.1(SIDE)", new[] { 1.0, 1.0, 1.0, 0.0, 1.41, 1.41 })]
    public void KnownLayouts(int channels, string layout, double[] expected)
        => Assert.Equal(expected, ChannelWeights.For(channels, layout));

    [Theory]
    [InlineData(6, null)]
    [InlineData(6, "")]
    [InlineData(6, "6 channels")]
    [InlineData(6, "stereo")] // count disagrees
    [InlineData(2, "FL+XX")]
    public void UnknownIsAllOnes(int channels, string? layout)
        => Assert.All(ChannelWeights.For(channels, layout), w => Assert.Equal(1.0, w));

    [Fact]
    public void NamedLayoutsAreInNativeOrder()
        => Assert.Equal(["FL", "FR", "FC", "LFE", "BC", "SL", "SR"], ChannelWeights.Speakers("6.1")!);
}
