using AudioGrains.Grains.Jobs;
using Orleans.Storage;

namespace AudioGrains.Grains.Tests;

/// <summary>An in-memory grain state whose writes and reads fail as told; a read returns a copy of what was written.</summary>
internal sealed class FlakyState(JobState initial) : IPersistentState<JobState>
{
    private int _failWrites;
    private int _failReads;

    public JobState State { get; set; } = initial;
    public JobState? Stored { get; private set; }
    public int ReadCalls { get; private set; }
    public int WriteCalls { get; private set; }

    /// <summary>Every write fails as if another writer had saved since this one read.</summary>
    public bool Conflict { get; set; }
    public string? Etag { get; private set; }
    public bool RecordExists { get; private set; } = true;

    public void FailNext(int writes, int reads) => (_failWrites, _failReads) = (writes, reads);

    public Task WriteStateAsync()
    {
        WriteCalls++;
        if (Conflict) throw new InconsistentStateException("etag mismatch", "stored", "current");
        if (_failWrites > 0 && _failWrites-- > 0) throw new TimeoutException("store down (write)");
        Stored = Copy(State);
        RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ReadStateAsync()
    {
        ReadCalls++;
        if (_failReads > 0 && _failReads-- > 0) throw new TimeoutException("store down (read)");
        State = Stored is null ? new JobState() : Copy(Stored);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync()
    {
        Stored = null;
        State = new JobState();
        RecordExists = false;
        return Task.CompletedTask;
    }

    private static JobState Copy(JobState s) => new() { Spec = s.Spec, Phase = s.Phase, Attempts = s.Attempts };
}
