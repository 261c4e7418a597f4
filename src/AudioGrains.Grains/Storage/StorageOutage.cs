using System.Net.Sockets;
using AudioGrains.Abstractions;
using AudioGrains.Storage;
using Polly.CircuitBreaker;

namespace AudioGrains.Grains.Storage;

/// <summary>
/// Whether a failure is the blob store's outage (S3 refused, reset, timed out, answered 5xx, or its circuit is open)
/// rather than a fault of the work: work that meets one waits for the store instead of spending its tries
/// (<see cref="OutageWait"/>).
/// </summary>
public static class StorageOutage
{
    public static bool Is(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AudioGrainsException a:
                    if (a.Code == ErrorCodes.StorageUnavailable) return true;
                    break;
                case BlobStoreUnavailableException or BrokenCircuitException:
                // A read stream cut mid-way, below the store's own calls.
                case HttpRequestException or HttpIOException or SocketException:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(Is);
            }
        }
        return false;
    }

    /// <summary>
    /// The failure as the cluster passes it on (it crosses grain calls with its code): no address, no key. The store is
    /// named when the caller knows it (the breaker's dependency); work that met the outage below the store's calls does not.
    /// </summary>
    public static AudioGrainsException Unavailable(string? dependency, Exception error)
    {
        var store = dependency is null ? "the blob store" : $"the blob store ({dependency})";
        return new(ErrorCodes.StorageUnavailable, error is BrokenCircuitException
            ? $"{store} keeps failing: its circuit is open"
            : $"{store} did not answer ({Innermost(error).GetType().Name})");
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
