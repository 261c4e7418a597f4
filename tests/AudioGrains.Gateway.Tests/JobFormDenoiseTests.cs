using AudioGrains.Abstractions;

namespace AudioGrains.Gateway.Tests;

/// <summary>The form's denoise field and the job document's name for it, for every mode (issue 13 added speech).</summary>
public class JobFormDenoiseTests
{
    [Theory]
    [InlineData("off", NoiseReduction.Off)]
    [InlineData("stationary", NoiseReduction.Stationary)]
    [InlineData("nonstationary", NoiseReduction.NonStationary)]
    [InlineData("speech", NoiseReduction.Speech)]
    [InlineData(" Speech ", NoiseReduction.Speech)]
    public void The_denoise_field_names_the_mode_and_the_document_names_it_back(string field, NoiseReduction mode)
    {
        var form = new JobForm();
        form.Add("denoise", field);
        Assert.Equal(mode, form.ToOptions().Denoise);
        Assert.Equal(field.Trim().ToLowerInvariant(), JobDocument.DenoiseName(mode));
    }

    [Fact]
    public void An_unknown_mode_lists_the_modes()
    {
        var form = new JobForm();
        form.Add("denoise", "speechy");
        var error = Assert.Throws<AudioGrainsException>(form.ToOptions);
        Assert.Contains("off, stationary, nonstationary, speech", error.Message);
    }
}
