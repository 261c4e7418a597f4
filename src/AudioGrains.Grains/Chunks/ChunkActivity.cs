using System.Collections.Concurrent;

namespace AudioGrains.Grains.Chunks;

/// <summary>The chunk and segment work running on this silo right now, per job: what a cancellation must bring to zero.</summary>
public sealed class ChunkActivity
{
    private readonly ConcurrentDictionary<string, int> _running = new();

    /// <summary>Counts one unit of <paramref name="jobId"/>'s work as running until the result is disposed.</summary>
    public IDisposable Track(string jobId)
    {
        _running.AddOrUpdate(jobId, 1, (_, n) => n + 1);
        return new Running(this, jobId);
    }

    public int RunningFor(string jobId) => _running.GetValueOrDefault(jobId);

    private void End(string jobId)
    {
        if (_running.AddOrUpdate(jobId, 0, (_, n) => n - 1) <= 0) _running.TryRemove(new KeyValuePair<string, int>(jobId, 0));
    }

    private sealed class Running(ChunkActivity owner, string jobId) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) owner.End(jobId);
        }
    }
}
