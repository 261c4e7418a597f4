namespace AudioGrains.Grains.Faults;

/// <summary>
/// Injected chunk faults, a test and chaos facility: off by default. Bound from "AudioGrains:Faults" (environment
/// variables AudioGrains__Faults__*, or the file <see cref="FileKey"/> names, which is read again when it changes), on
/// each silo separately. Every fault hits the processing of chunk <see cref="Chunk"/> of every job that has it.
/// </summary>
public sealed record FaultOptions
{
    public const string Section = "AudioGrains:Faults";

    /// <summary>A JSON file with an "AudioGrains:Faults" section, watched (polled every 4 s): a harness turns faults on and off without restarting the silos.</summary>
    public const string FileKey = "AudioGrains:FaultsFile";

    /// <summary>The chunk index the faults hit, in the processing pass of every job; null: no fault.</summary>
    public int? Chunk { get; init; }

    /// <summary>Transient fault: the chunk's first N tries fail, per job, counted in this silo's memory.</summary>
    public int ChunkFailures { get; init; }

    /// <summary>Permanent fault: every try of the chunk fails.</summary>
    public bool ChunkAlwaysFails { get; init; }

    /// <summary>Each delayed try of the chunk waits this long before its work (under the try's cancellation: a chunk timeout ends it).</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>How many tries of the chunk are delayed, per job, counted in this silo's memory; 0: every try.</summary>
    public int ChunkDelayedTries { get; init; }

    public bool IsActive => Chunk is not null && NamesAFault;

    private bool NamesAFault => ChunkFailures > 0 || ChunkAlwaysFails || ChunkDelay > TimeSpan.Zero;

    public IEnumerable<string> Validate()
    {
        if (Chunk < 0) yield return "Faults:Chunk must not be negative";
        if (ChunkFailures < 0) yield return "Faults:ChunkFailures must not be negative";
        if (ChunkAlwaysFails && ChunkFailures > 0) yield return "Faults:ChunkAlwaysFails and Faults:ChunkFailures exclude each other";
        if (ChunkDelay < TimeSpan.Zero) yield return "Faults:ChunkDelay must not be negative";
        if (ChunkDelayedTries < 0) yield return "Faults:ChunkDelayedTries must not be negative";
        if (Chunk is null && NamesAFault) yield return "a chunk fault needs Faults:Chunk";
    }

    public override string ToString() => !IsActive ? "none"
        : string.Join(", ", new[]
        {
            ChunkAlwaysFails ? $"chunk {Chunk} always fails" : null,
            ChunkFailures > 0 ? $"chunk {Chunk} fails {ChunkFailures} times per job" : null,
            ChunkDelay > TimeSpan.Zero ? $"chunk {Chunk} delayed {ChunkDelay.TotalSeconds:0.###} s on {(ChunkDelayedTries == 0 ? "every try" : $"{ChunkDelayedTries} tries per job")}" : null,
        }.OfType<string>());
}
