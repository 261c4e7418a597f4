using AudioGrains.Jobs.Tests.Harness;
using AudioGrains.Testing;

namespace AudioGrains.Jobs.Tests.Callbacks;

/// <summary>
/// A 2-silo cluster whose callbacks may go to loopback (the receivers are on 127.0.0.1) and retry within a second or
/// two: 100 ms base delay, 1.5 s at most, 8 tries.
/// </summary>
public sealed class CallbackClusterFixture : IAsyncLifetime
{
    public const string SigningKey = "callback-tests-signing-key-0123";
    public const int MaxAttempts = 8;

    public JobCluster Jobs { get; private set; } = null!;

    /// <summary>5 s of speech, 22.05 kHz mono WAV.</summary>
    public string Speech { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Jobs = await JobCluster.StartAsync(new JobClusterSpec
        {
            Silos = 2,
            Settings = new()
            {
                ["AudioGrains:Processing:RetryBaseDelay"] = "00:00:00.050",
                ["AudioGrains:Processing:RetryMaxDelay"] = "00:00:00.100",
                ["AudioGrains:Processing:MaxChunksInFlight"] = "4",
                ["AudioGrains:Http:AllowPrivateCallbacks"] = "true",
                ["AudioGrains:Http:CallbackSigningKey"] = SigningKey,
                ["AudioGrains:Http:CallbackMaxAttempts"] = $"{MaxAttempts}",
                ["AudioGrains:Http:CallbackRetryBaseDelay"] = "00:00:00.100",
                ["AudioGrains:Http:CallbackRetryMaxDelay"] = "00:00:01.500",
                ["AudioGrains:Http:CallbackTimeout"] = "00:00:02",
            },
        });
        Speech = await TestAudio.SpeechAsync(Jobs.Files.File("speech.wav"), 5);
    }

    public async Task DisposeAsync() => await Jobs.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class CallbackClusterCollection : ICollectionFixture<CallbackClusterFixture>
{
    public const string Name = "callback cluster";
}
