namespace AudioGrains.Media.Tests;

public sealed class MediaErrorsTests
{
    [Fact]
    public void Excerpt_keeps_the_cause_and_drops_paths_and_prefixes()
    {
        const string stderr = "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5610c7348300] moov atom not found\nfile:/srv/blobs/ab/cd/cut.m4a: Invalid data found when processing input\n";

        Assert.Equal("moov atom not found; Invalid data found when processing input", MediaErrors.Excerpt(stderr, "/srv/blobs/ab/cd/cut.m4a", "cut.m4a"));
        Assert.Null(MediaErrors.Excerpt("\n\n", "/x/y.wav", "y.wav"));
    }

    [Theory]
    [InlineData(2, "2 s")]
    [InlineData(1.25, "1.25 s")]
    [InlineData(43200, "12:00:00")]
    [InlineData(90000, "1.01:00:00")]
    public void Durations_read_naturally(double seconds, string text) => Assert.Equal(text, MediaErrors.Describe(seconds));

    [Theory]
    [InlineData(48000, 2, 16000, 1, "pan=mono|c0=0.5*c0+0.5*c1,aresample=16000")]
    [InlineData(16000, 1, 16000, 2, "pan=2c|c0=c0|c1=c0")]
    [InlineData(48000, 6, 48000, 2, "")]
    [InlineData(44100, 2, 44100, 2, "")]
    public void Target_filter_mixes_then_resamples(int rate, int channels, int targetRate, int targetChannels, string filter) =>
        Assert.Equal(filter, PcmDecoder.TargetFilter(new PcmFormat(rate, channels), new PcmFormat(targetRate, targetChannels)));
}
