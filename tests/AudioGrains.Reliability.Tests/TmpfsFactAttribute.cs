namespace AudioGrains.Reliability.Tests;

/// <summary>A test that mounts a tmpfs: skipped, saying why, where that cannot be done.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TmpfsMount.MissingReason is { } reason) Skip = reason;
    }
}
