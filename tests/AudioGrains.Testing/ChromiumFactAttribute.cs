using Xunit;


namespace AudioGrains.Testing;

/// <summary>A test that needs headless Chromium: skipped, saying why and how to install it, only when there is none.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessBrowser.MissingReason is { } reason) Skip = reason;
    }
}
