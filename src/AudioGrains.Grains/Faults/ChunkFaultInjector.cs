using System.Collections.Concurrent;
using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains.Faults;

/// <summary>
/// The silo's <see cref="IWorkInterceptor"/>: applies the configured <see cref="FaultOptions"/> to the chunk they name
/// (nothing else is touched, and with no fault configured it does nothing). Tries are counted per job and chunk in this
/// silo's memory: a chunk's grain stays on its silo between tries, so "fails N times" holds for the job; were the grain
/// placed on another silo with the same faults, that silo would count again from zero. The counts live as long as the
/// silo (one entry per job that met a fault: a test facility, not for production).
/// </summary>
public sealed class ChunkFaultInjector : IWorkInterceptor, IDisposable
{
    private readonly IOptionsMonitor<FaultOptions> _options;
    private readonly ILogger<ChunkFaultInjector> _logger;
    private readonly ConcurrentDictionary<(string JobId, int Index), int> _tries = new();
    private readonly IDisposable? _changes;
    private string _described;

    public ChunkFaultInjector(IOptionsMonitor<FaultOptions> options, ILogger<ChunkFaultInjector> logger)
    {
        _options = options;
        _logger = logger;
        _described = options.CurrentValue.ToString();
        if (options.CurrentValue.IsActive) logger.LogWarning("Fault injection on this silo: {Faults}", _described);
        _changes = options.OnChange(Changed);
    }

    public async ValueTask BeforeAsync(WorkItem item, CancellationToken ct)
    {
        var faults = _options.CurrentValue;
        if (!faults.IsActive || item.Kind != WorkKind.Process || item.Index != faults.Chunk) return;
        var attempt = _tries.AddOrUpdate((item.JobId, item.Index), 1, (_, n) => n + 1);
        if (faults.ChunkDelay > TimeSpan.Zero && (faults.ChunkDelayedTries == 0 || attempt <= faults.ChunkDelayedTries))
        {
            _logger.LogWarning("Injected fault: chunk {Chunk} of job {JobId} delayed {DelayS:F1} s on try {Attempt}", item.Index, item.JobId, faults.ChunkDelay.TotalSeconds, attempt);
            await Task.Delay(faults.ChunkDelay, ct).ConfigureAwait(false);
        }
        if (faults.ChunkAlwaysFails)
            throw Injected(item, attempt, $"injected fault: chunk {item.Index} fails on every try (AudioGrains:Faults)");
        if (attempt <= faults.ChunkFailures)
            throw Injected(item, attempt, $"injected transient fault: chunk {item.Index} failed on try {attempt} of {faults.ChunkFailures} that fail (AudioGrains:Faults)");
    }

    private AudioGrainsException Injected(WorkItem item, int attempt, string message)
    {
        _logger.LogWarning("Injected fault: chunk {Chunk} of job {JobId} fails on try {Attempt}", item.Index, item.JobId, attempt);
        // Transient by its code (processing-failed): the chunk and the phase are retried as for any other failure.
        return new AudioGrainsException(ErrorCodes.ProcessingFailed, message);
    }

    private void Changed(FaultOptions faults)
    {
        var described = faults.ToString();
        if (Interlocked.Exchange(ref _described, described) != described)
            _logger.LogWarning("Fault injection on this silo changed: {Faults}", described);
    }

    public void Dispose() => _changes?.Dispose();
}
