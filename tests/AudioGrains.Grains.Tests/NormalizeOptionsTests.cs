using AudioGrains.Abstractions;

namespace AudioGrains.Grains.Tests;

public sealed class NormalizeOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        var o = new NormalizeOptions().Validated();
        Assert.Equal(-23, o.TargetLufs);
        Assert.Equal(16000, o.SampleRate);
        Assert.True(o.Mono);
        Assert.Null(o.HighPassHz);
    }

    [Theory]
    [InlineData("chunk")]
    [InlineData("target")]
    [InlineData("format")]
    public void Validation_names_the_bad_value(string what)
    {
        var options = what switch
        {
            "chunk" => new NormalizeOptions { ChunkSeconds = 0 },
            "target" => new NormalizeOptions { TargetLufs = 3 },
            _ => new NormalizeOptions { OutputFormat = "aiff" },
        };
        var e = Assert.Throws<AudioGrainsException>(() => options.Validated());
        Assert.Equal(ErrorCodes.InvalidOptions, e.Code);
        Assert.Contains(what, e.Message);
    }
}
