namespace AudioGrains.Grains.Jobs;

/// <summary>The grain storage provider that holds job state.</summary>
public static class JobStorage
{
    public const string Name = "jobs";
}
