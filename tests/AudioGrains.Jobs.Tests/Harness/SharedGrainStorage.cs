using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace AudioGrains.Jobs.Tests.Harness;

/// <summary>
/// Grain state held by the test process, outside every silo, with ETag checks: what Redis is to a real cluster. Orleans'
/// memory storage keeps state in MemoryStorageGrain activations placed on the silos, so a killed silo can take a job's
/// state with it; this store survives any silo.
/// </summary>
public sealed class SharedGrainStore
{
    private readonly ConcurrentDictionary<string, (GrainId Grain, byte[] Data, string ETag)> _entries = new();
    private readonly Lock _lock = new();

    internal (byte[] Data, string ETag)? Read(string key) =>
        _entries.TryGetValue(key, out var e) ? (e.Data, e.ETag) : null;

    /// <summary>A state whose write takes the store down (every read and write fails) until <see cref="ComeBack"/>.</summary>
    public Func<object?, bool>? GoesDownOnWriteOf { get; set; }

    /// <summary>Whether the store is down: what Redis killed is to a real cluster.</summary>
    public bool IsDown { get; private set; }

    /// <summary>Ends the outage.</summary>
    public void ComeBack()
    {
        GoesDownOnWriteOf = null;
        IsDown = false;
    }

    internal void ThrowIfDown(object? writing = null)
    {
        if (writing is not null && GoesDownOnWriteOf?.Invoke(writing) == true) IsDown = true;
        if (IsDown) throw new IOException("the grain store is down (a test's outage)");
    }

    internal string Write(string key, GrainId grain, byte[] data, string? expectedETag)
    {
        lock (_lock)
        {
            var current = _entries.TryGetValue(key, out var e) ? e.ETag : null;
            if (current != expectedETag)
                throw new InconsistentStateException($"ETag mismatch on {key}", current ?? "(none)", expectedETag ?? "(none)");
            var etag = Guid.NewGuid().ToString("N");
            _entries[key] = (grain, data, etag);
            return etag;
        }
    }

    internal void Clear(string key, string? expectedETag)
    {
        lock (_lock)
        {
            var current = _entries.TryGetValue(key, out var e) ? e.ETag : null;
            if (current != expectedETag)
                throw new InconsistentStateException($"ETag mismatch on {key}", current ?? "(none)", expectedETag ?? "(none)");
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Rewrites the grain's stored state unchanged under a new ETag: what a second writer (a zombie activation) does.</summary>
    public bool Touch(string stateName, string grainKey)
    {
        lock (_lock)
        {
            foreach (var (key, e) in _entries)
                if (key.EndsWith("|" + stateName, StringComparison.Ordinal) && e.Grain.Key.ToString() == grainKey)
                {
                    _entries[key] = (e.Grain, e.Data, Guid.NewGuid().ToString("N"));
                    return true;
                }
            return false;
        }
    }

    /// <summary>The stored bytes of the state of the grain whose key is <paramref name="grainKey"/> (a job id).</summary>
    public byte[]? Find(string stateName, string grainKey) =>
        _entries.Where(e => e.Key.EndsWith("|" + stateName, StringComparison.Ordinal) && e.Value.Grain.Key.ToString() == grainKey)
            .Select(e => e.Value.Data).FirstOrDefault();
}

/// <summary>
/// One silo's view of the <see cref="SharedGrainStore"/>. It serializes state with the silo's grain-storage serializer
/// (JSON, as the Redis provider does), so a state that Redis could not read back fails here too.
/// </summary>
public sealed class SharedGrainStorage(SharedGrainStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    private static string Key(string stateName, GrainId grainId) => $"{grainId}|{stateName}";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.ThrowIfDown();
        if (store.Read(Key(stateName, grainId)) is { } entry)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(entry.Data));
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.ThrowIfDown(grainState.State);
        grainState.ETag = store.Write(Key(stateName, grainId), grainId, serializer.Serialize(grainState.State).ToArray(), grainState.ETag);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.ThrowIfDown();
        store.Clear(Key(stateName, grainId), grainState.ETag);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
