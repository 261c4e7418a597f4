using AudioGrains.Abstractions;
using AudioGrains.Cluster.Tests;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Reliability.Tests;

/// <summary>
/// One silo of three (blobs on S3, so every file a silo writes goes through its own temp folder) has its temp folder on
/// a 64 KB tmpfs, too small for any chunk. Work that meets the full disk fails with insufficient-disk and is retried;
/// the retries of a chunk go back to the silo its grain lives on, so a job completes (with the fault-free samples) only
/// when none of its chunks and no part of itself is placed there, and is otherwise dead-lettered with insufficient-disk.
/// Either way nothing is left in the tmpfs.
/// </summary>
public sealed class FullTempFolderTests(ITestOutputHelper output)
{
    [TmpfsFact]
    public async Task With_one_silos_temp_folder_full_each_job_completes_identically_or_fails_with_insufficient_disk_and_nothing_is_left_there()
    {
        using var s3 = await S3Server.StartAsync();
        await using var cluster = await RedisCluster.StartAsync(3, s3,
            "--AudioGrains:Processing:RetryBaseDelay=00:00:00.100", "--AudioGrains:Processing:RetryMaxDelay=00:00:00.200");
        var full = cluster.Silos[2];
        await using var tmpfs = await TmpfsMount.MountAsync(cluster.SiloTempFolders[2], kilobytes: 64);
        var input = await TestAudio.LavfiAsync(cluster.Files.File("talk.wav"),
            "aevalsrc='0.2*sin(2*PI*(180+60*sin(2*PI*0.4*t))*t)*(0.5+0.5*sin(2*PI*3*t))+0.01*(random(0)-0.5)':s=16000:d=60", "-c:a", "pcm_s16le");
        // 5 s chunks of float samples (320 KB each) cannot be written in 64 KB.
        var options = new NormalizeOptions { ChunkSeconds = 5, OutputFormat = "wav" };
        var jobIds = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var id in jobIds) await cluster.Client.StartAsync(id, cluster.Stage(id, input, options));

        var single = cluster.Files.File("single.wav");
        await CliProcess.JsonAsync("normalize", input, "-o", single, "--chunk-seconds", "5");
        var expected = WavFile.Read(single).Samples;
        var outcomes = new List<string>();
        foreach (var id in jobIds)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var status = await cluster.Client.WaitAsync(id, pollInterval: TimeSpan.FromMilliseconds(200), ct: timeout.Token);
            outcomes.Add($"{status.Phase}{(status.ErrorCode is { } c ? $" ({c}: {status.ErrorMessage})" : "")}");
            if (status.Phase == JobPhase.Completed)
            {
                Assert.Equal(expected, WavFile.Read(await cluster.OutputFileAsync(status.OutputKey!)).Samples);
            }
            else
            {
                Assert.True(status.Phase == JobPhase.Failed && status.ErrorCode == ErrorCodes.InsufficientDisk, $"job {id}: {status.Phase}: {status.ErrorCode}: {status.ErrorMessage}");
            }
        }
        var fullDiskTries = cluster.Silos.SelectMany(s => s.Lines).Count(l => l.Contains("no space left on silo", StringComparison.Ordinal) && l.Contains(" failed (attempt ", StringComparison.Ordinal));
        output.WriteLine(string.Join("\n", outcomes));
        output.WriteLine($"chunk tries that met the full disk: {fullDiskTries}; files left in the tmpfs: {tmpfs.Files().Count}");
        Assert.True(fullDiskTries > 0 || outcomes.Any(o => o.Contains(ErrorCodes.InsufficientDisk, StringComparison.Ordinal)), "no work met the full temp folder: the test showed nothing");
        Assert.Empty(tmpfs.Files());
    }
}
