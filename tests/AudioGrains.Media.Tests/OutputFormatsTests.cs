using AudioGrains.Abstractions;

namespace AudioGrains.Media.Tests;

public sealed class OutputFormatsTests
{
    [Theory]
    [InlineData("out.wav", OutputFormat.Wav)]
    [InlineData("/a/b/OUT.FLAC", OutputFormat.Flac)]
    [InlineData("x.opus", OutputFormat.Opus)]
    [InlineData("x.ogg", OutputFormat.Opus)]
    [InlineData("x.webm", OutputFormat.WebM)]
    [InlineData("x.mp3", OutputFormat.Mp3)]
    public void Extension_picks_the_format(string path, OutputFormat expected) =>
        Assert.Equal(expected, OutputFormats.FromExtension(path));

    [Theory]
    [InlineData("x.aiff")]
    [InlineData("x")]
    public void Unknown_extension_is_invalid_options(string path) =>
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => OutputFormats.FromExtension(path)).Code);

    [Fact]
    public void Every_option_name_parses_and_round_trips()
    {
        foreach (var name in NormalizeOptions.OutputFormats)
        {
            Assert.Equal(name, OutputFormats.Name(OutputFormats.Parse(name)));
        }
        Assert.Equal(OutputFormat.WavS16, OutputFormats.Parse(" WAV16 "));
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => OutputFormats.Parse("aac")).Code);
    }

    [Theory]
    [InlineData(OutputFormat.Wav, ".wav", "audio/wav")]
    [InlineData(OutputFormat.WavS16, ".wav", "audio/wav")]
    [InlineData(OutputFormat.Flac, ".flac", "audio/flac")]
    [InlineData(OutputFormat.Opus, ".opus", "audio/ogg")]
    [InlineData(OutputFormat.WebM, ".webm", "audio/webm")]
    [InlineData(OutputFormat.Mp3, ".mp3", "audio/mpeg")]
    public void Extensions_and_content_types(OutputFormat format, string extension, string contentType)
    {
        Assert.Equal(extension, OutputFormats.Extension(format));
        Assert.Equal(contentType, OutputFormats.ContentType(format));
    }
}
