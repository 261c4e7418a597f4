using System.Diagnostics.Metrics;
using AudioGrains.Grains.Telemetry;
using AudioGrains.Storage;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace AudioGrains.Grains.Storage;

/// <summary>
/// A circuit breaker on the calls to one dependency (Redis, S3): when most calls fail for a while, further calls fail
/// at once (<see cref="BrokenCircuitException"/>, which <see cref="BreakingBlobStore"/> passes on as storage-unavailable)
/// for <see cref="BreakDuration"/>, then one call probes. Callers wait with their own backoff, so a dependency that keeps
/// failing costs a job one fast failure per try instead of a pile of timeouts. The state is logged when it changes and exported as a gauge (audiograins_dependency_circuit_open{dependency}).
/// </summary>
public sealed class DependencyBreaker
{
    /// <summary>How long the circuit stays open before a call may probe the dependency again.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    private readonly ResiliencePipeline _pipeline;
    private volatile bool _open;

    public DependencyBreaker(string dependency, ILogger logger, IMeterFactory? meters = null, TimeProvider? clock = null)
    {
        Dependency = dependency;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = clock ?? TimeProvider.System }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // Half the calls failing over 10 s, at least 4 of them: the dependency is down, not one call unlucky.
                FailureRatio = 0.5,
                SamplingDuration = TimeSpan.FromSeconds(10),
                MinimumThroughput = 4,
                BreakDuration = BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsDependencyFailure),
                OnOpened = args =>
                {
                    _open = true;
                    logger.LogWarning("Circuit to {Dependency} opened for {BreakS:F0} s after repeated failures (last: {Error}); calls fail fast meanwhile",
                        dependency, args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    logger.LogInformation("Circuit to {Dependency} half-open: one call probes it", dependency);
                    return default;
                },
                OnClosed = _ =>
                {
                    _open = false;
                    logger.LogInformation("Circuit to {Dependency} closed: it answers again", dependency);
                    return default;
                },
            })
            .Build();
        // On the AudioGrains meter, as every series of ours: Prometheus sees meter + instrument, audiograins_dependency_circuit_open.
        meters?.Create(AudioGrainsTelemetry.Name).CreateObservableGauge("dependency.circuit_open", () =>
            new Measurement<int>(_open ? 1 : 0, new KeyValuePair<string, object?>("dependency", dependency)),
            description: "1 while the circuit breaker to the dependency is open (calls fail fast)");
    }

    public string Dependency { get; }

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        await _pipeline.ExecuteAsync(static async (c, token) => await c(token).ConfigureAwait(false), call, ct).ConfigureAwait(false);

    public async Task ExecuteAsync(Func<CancellationToken, Task> call, CancellationToken ct) =>
        await _pipeline.ExecuteAsync(static async (c, token) => await c(token).ConfigureAwait(false), call, ct).ConfigureAwait(false);

    /// <summary>What says the dependency is unwell: not a missing blob, a bad argument or a cancellation.</summary>
    private static bool IsDependencyFailure(Exception e) =>
        e is not (OperationCanceledException or BlobNotFoundException or ArgumentException or BrokenCircuitException);
}
