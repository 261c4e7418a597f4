namespace AudioGrains.Grains.Chunks;

/// <summary>One unit of distributed work: a chunk's analysis or processing, or a segment's encoding.</summary>
public readonly record struct WorkItem(string JobId, WorkKind Kind, int Index);

public enum WorkKind
{
    Analyze,
    Process,
    Encode,
}
