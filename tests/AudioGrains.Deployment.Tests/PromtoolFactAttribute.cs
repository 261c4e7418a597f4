namespace AudioGrains.Deployment.Tests;

/// <summary>A test that needs promtool: skipped, saying how to install it, only when it is not on PATH.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Executables.Find("promtool") is null)
            Skip = "promtool is not on PATH: install Debian's prometheus package (apt-get install -y prometheus) to check the rules with it";
    }
}
