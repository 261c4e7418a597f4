using AudioGrains.Abstractions;
using AudioGrains.Jobs.Tests.Harness;
using AudioGrains.Testing;

namespace AudioGrains.Jobs.Tests;

/// <summary>
/// One 2-silo cluster shared by the job tests of this collection (each test uses its own job ids, and its faults are
/// keyed by them), with short retry delays and small attempt bounds so failures play out in a fraction of a second.
/// </summary>
public sealed class JobClusterFixture : IAsyncLifetime
{
    public const int MaxChunkAttempts = 2;
    public const int MaxJobAttempts = 2;

    public JobCluster Jobs { get; private set; } = null!;

    /// <summary>20 s of speech with a little noise, 22.05 kHz mono WAV (espeak-ng).</summary>
    public string Speech { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Jobs = await JobCluster.StartAsync(new JobClusterSpec
        {
            Silos = 2,
            Settings = new()
            {
                ["AudioGrains:Processing:MaxChunkAttempts"] = $"{MaxChunkAttempts}",
                ["AudioGrains:Processing:MaxJobAttempts"] = $"{MaxJobAttempts}",
                ["AudioGrains:Processing:RetryBaseDelay"] = "00:00:00.050",
                ["AudioGrains:Processing:RetryMaxDelay"] = "00:00:00.100",
                ["AudioGrains:Processing:CheckpointInterval"] = "00:00:00.100",
                ["AudioGrains:Processing:MaxChunksInFlight"] = "4",
                ["AudioGrains:Processing:EncodeSegmentSeconds"] = "5",
            },
        });
        Speech = await TestAudio.SpeechAsync(Jobs.Files.File("speech.wav"), 20);
    }

    public async Task DisposeAsync() => await Jobs.DisposeAsync();

    /// <summary>16 kHz mono WAV, 1 s chunks: 20 chunks.</summary>
    public static NormalizeOptions Wav => new() { OutputFormat = "wav", ChunkSeconds = 1 };

    /// <summary>Stationary noise reduction (whole input as the noise source) into Opus at 16 kHz: analysis and segment encoding (4 segments of 5 s).</summary>
    public static NormalizeOptions DenoisedOpus => new() { OutputFormat = "opus", ChunkSeconds = 2, Denoise = NoiseReduction.Stationary };

    public static string NewJobId(string name) => $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 40)];
}

[CollectionDefinition(Name)]
public sealed class JobClusterCollection : ICollectionFixture<JobClusterFixture>
{
    public const string Name = "job cluster";
}
