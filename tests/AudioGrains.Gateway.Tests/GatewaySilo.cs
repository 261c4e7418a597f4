using AudioGrains.Testing;

namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A real cluster serving HTTP for a test class: redis-server and one AudioGrains.Silo process with the HTTP API on a
/// free loopback port, its blobs in a temp folder the tests can look into.
/// </summary>
public class GatewaySilo : IAsyncLifetime
{
    private RedisServer? _redis;

    public TempFolder Dir { get; } = new();

    public SiloProcess Silo { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string Blobs => System.IO.Path.Combine(Dir.Path, "blobs");

    /// <summary>The cluster's Redis (grain state, membership, reminders), for what a test must see was deleted.</summary>
    public RedisServer Redis => _redis!;

    /// <summary>The key callbacks are signed with (callbacks are refused without one).</summary>
    public const string SigningKey = "gateway-tests-signing-key-0123456789";

    /// <summary>Configuration for the silo ("--Key=Value"); a derived fixture may add its own.</summary>
    protected virtual string[] Configuration => [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await StartSiloAsync();
    }

    /// <summary>
    /// A new silo on the same Redis and storage, then kill -9 of the old one (a rolling replacement: a silo joining a
    /// cluster whose only member just died would wait for it to be voted out). <see cref="Http"/> follows the new one.
    /// </summary>
    public async Task ReplaceSiloAsync()
    {
        var old = Silo;
        Http.Dispose();
        await StartSiloAsync();
        old.Kill();
        old.Dispose();
    }

    private async Task StartSiloAsync()
    {
        Silo = await SiloProcess.StartWithHttpAsync(_redis!.ConnectionString, Blobs,
            [$"--AudioGrains:Processing:TempDirectory={Dir.Folder("temp")}", $"--AudioGrains:Http:CallbackSigningKey={SigningKey}", .. Configuration]);
        Http = new HttpClient { BaseAddress = Silo.HttpAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>Files under the blob store's folder (what a request left behind), relative to it.</summary>
    public IReadOnlyList<string> StoredFiles(string prefix = "") =>
        Directory.Exists(System.IO.Path.Combine(Blobs, prefix))
            ? Directory.EnumerateFiles(System.IO.Path.Combine(Blobs, prefix), "*", SearchOption.AllDirectories).Select(f => System.IO.Path.GetRelativePath(Blobs, f)).ToList()
            : [];

    public Task DisposeAsync()
    {
        Http?.Dispose();
        Silo?.Dispose();
        _redis?.Dispose();
        Dir.Dispose();
        return Task.CompletedTask;
    }
}
