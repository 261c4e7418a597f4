using AudioGrains.Abstractions;

namespace AudioGrains.Media.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Timeouts_scale_with_duration_above_the_minimum()
    {
        var options = new FfmpegOptions();

        Assert.Equal(TimeSpan.FromSeconds(60), options.TimeoutFor(10));
        Assert.Equal(TimeSpan.FromSeconds(60), options.TimeoutFor(double.NaN));
        Assert.Equal(TimeSpan.FromSeconds(900), options.TimeoutFor(3600));
        Assert.Equal(TimeSpan.FromDays(20), (options with { TimeoutSecondsPerMediaSecond = 3600 }).TimeoutFor(1e9));
    }

    [Fact]
    public void Bad_options_and_limits_are_invalid_options()
    {
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => new FfmpegOptions { MinimumTimeout = TimeSpan.Zero }.Validated()).Code);
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => new FfmpegOptions { TimeoutSecondsPerMediaSecond = double.NaN }.Validated()).Code);
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => new FfmpegOptions { FfmpegPath = " " }.Validated()).Code);
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => new MediaLimits { MaxDurationSeconds = 0 }.Validated()).Code);
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => new MediaLimits { MaxChannels = 0 }.Validated()).Code);
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<AudioGrainsException>(() => new PcmFormat(16000, 0).Validated()).Code);
    }

    [Fact]
    public void Demuxer_is_the_first_format_name_and_the_whitelist_holds_no_indirection()
    {
        Assert.Equal("mov", new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", 1, 48000, 2, null, "aac", false).Demuxer);
        Assert.True(AcceptedInputFormats.Accepts("matroska,webm"));
        foreach (var dangerous in (string[])["hls", "concat", "image2", "lavfi", "dash", "tee", "data", "sdp", "rtsp", "rtp", "webm_dash_manifest", "tty", "imf"])
        {
            Assert.False(AcceptedInputFormats.Accepts(dangerous), dangerous);
        }
    }
}
