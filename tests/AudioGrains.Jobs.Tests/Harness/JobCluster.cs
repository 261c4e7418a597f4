using System.Diagnostics;
using AudioGrains.Abstractions;
using AudioGrains.Gateway.Callbacks;
using AudioGrains.Grains;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Jobs.Phases;
using AudioGrains.Storage;
using AudioGrains.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AudioGrains.Jobs.Tests.Harness;

/// <summary>How a test cluster is made.</summary>
public sealed record JobClusterSpec
{
    public int Silos { get; init; } = 2;

    /// <summary>Configuration every silo reads (sections "AudioGrains:Processing", ...).</summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>Job state in the test process (survives any silo) instead of Orleans' memory storage (lives on the silos).</summary>
    public bool SharedStorage { get; init; }

    /// <summary>Declares a killed silo dead within a few seconds instead of the default tens of seconds.</summary>
    public bool FastFailureDetection { get; init; }

    /// <summary>The blob store every silo uses; null: a folder (<see cref="JobCluster.DataDirectory"/>).</summary>
    public IBlobStore? BlobStore { get; init; }
}

/// <summary>
/// An in-process Orleans cluster (Microsoft.Orleans.TestingHost's InProcessTestCluster: real silos in this process,
/// joined by the in-memory transport, no socket) that runs jobs exactly as a silo does (AddAudioGrainsJobs and
/// AddAudioGrainsCallbacks, memory or shared grain storage, in-memory reminders), over one blob folder, with a
/// <see cref="JobProbe"/> in every silo.
/// </summary>
public sealed class JobCluster : IAsyncDisposable
{
    private readonly TempFolder _folder = new();

    private JobCluster(JobClusterSpec spec)
    {
        Spec = spec;
        DataDirectory = _folder.Folder("blobs");
    }

    public JobClusterSpec Spec { get; }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public JobProbe Probe { get; } = new();

    public SharedGrainStore Store { get; } = new();

    public string DataDirectory { get; }

    public TempFolder Files => _folder;

    public IGrainFactory Grains => Cluster.Client;

    public static async Task<JobCluster> StartAsync(JobClusterSpec spec)
    {
        var jobs = new JobCluster(spec);
        var builder = new InProcessTestClusterBuilder((short)spec.Silos);
        builder.ConfigureSiloHost((silo, host) =>
        {
            host.Configuration.AddInMemoryCollection(spec.Settings);
            // The interceptor replaces the silo's default (AddAudioGrainsJobs adds it with TryAdd); the observer joins
            // whatever others the silo has.
            host.Services.AddSingleton<IWorkInterceptor>(new ProbeInterceptor(jobs.Probe, silo.SiloName));
            host.Services.AddSingleton<IJobObserver>(new ProbeObserver(jobs.Probe, silo.SiloName));
            if (spec.BlobStore is { } store) host.Services.AddSingleton(store);
            host.Services.AddAudioGrainsJobs(host.Configuration, jobs.DataDirectory);
            host.Services.AddAudioGrainsCallbacks(host.Configuration);
            WrapPhases(host.Services, jobs.Probe, typeof(ProbePhase), typeof(DecodePhase));
        });
        builder.ConfigureSilo((_, silo) =>
        {
            if (spec.SharedStorage)
                silo.Services.AddGrainStorage(JobStorage.Name, (sp, _) => new SharedGrainStorage(jobs.Store, sp.GetRequiredService<IGrainStorageSerializer>()));
            else
                silo.AddMemoryGrainStorage(JobStorage.Name);
            silo.UseInMemoryReminderService();
            if (spec.FastFailureDetection)
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                });
        });
        jobs.Cluster = builder.Build();
        await jobs.Cluster.DeployAsync();
        return jobs;
    }

    /// <summary>Puts the probe's switch in front of these phases (the pipeline has no hook of its own in them).</summary>
    private static void WrapPhases(IServiceCollection services, JobProbe probe, params Type[] phaseTypes)
    {
        foreach (var d in services.Where(d => d.ServiceType == typeof(IJobPhase) && phaseTypes.Contains(d.ImplementationType)).ToList())
        {
            services.Remove(d);
            var type = d.ImplementationType!;
            services.AddSingleton<IJobPhase>(sp => new FaultyPhase((IJobPhase)ActivatorUtilities.CreateInstance(sp, type), probe));
        }
    }

    public string PathOf(string key) => Path.Combine(DataDirectory, key.Replace('/', Path.DirectorySeparatorChar));

    public IJobGrain Job(string jobId) => Grains.GetGrain<IJobGrain>(jobId);

    /// <summary>Stages the input in the blob store, as the gateway's ingest does, and starts the job.</summary>
    public async Task<JobStatus> StartJobAsync(string jobId, string inputPath, NormalizeOptions options, string? callbackUrl = null)
    {
        var key = JobBlobKeys.Input(jobId);
        if (Spec.BlobStore is { } store)
        {
            await store.PutFileAsync(key, inputPath);
        }
        else
        {
            var target = PathOf(key);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(inputPath, target);
        }
        return await Job(jobId).StartAsync(new JobSpec
        {
            InputKey = key,
            FileName = Path.GetFileName(inputPath),
            InputBytes = new FileInfo(inputPath).Length,
            Options = options,
            CorrelationId = jobId,
            CallbackUrl = callbackUrl,
        });
    }

    /// <summary>Polls the job's status until <paramref name="until"/> holds; fails with what it last saw after <paramref name="timeout"/>.</summary>
    public async Task<JobStatus> WaitForAsync(string jobId, Func<JobStatus, bool> until, TimeSpan timeout, string what, bool tolerateErrors = false)
    {
        var watch = Stopwatch.StartNew();
        JobStatus? last = null;
        Exception? lastError = null;
        while (watch.Elapsed < timeout)
        {
            try
            {
                last = await Job(jobId).GetStatusAsync();
                if (until(last)) return last;
            }
            catch (Exception e) when (tolerateErrors)
            {
                lastError = e;
            }
            await Task.Delay(25);
        }
        Assert.Fail($"job {jobId}: not {what} within {timeout.TotalSeconds:F0} s; last status: phase {last?.Phase}, progress {last?.Progress}, " +
                    $"chunks {last?.ChunksCompleted}/{last?.ChunksTotal}, attempts {last?.Attempts}, error {last?.ErrorCode}: {last?.ErrorMessage}" +
                    (lastError is null ? "" : $"; last call error: {lastError.GetType().Name}: {lastError.Message}"));
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// Waits for a terminal status and for the observer to have heard the move there. The status call interleaves
    /// with the job's own turns, so it may show the terminal phase while the job is still persisting it, before the
    /// observer is told and before the clean-up that follows.
    /// </summary>
    public async Task<JobStatus> WaitForTerminalAsync(string jobId, TimeSpan timeout, bool tolerateErrors = false)
    {
        var status = await WaitForAsync(jobId, s => s.IsTerminal, timeout, "finished", tolerateErrors);
        await WaitUntilAsync(() => Probe.PhaseChanges(jobId) is [.., var last] && last.To == status.Phase, TimeSpan.FromSeconds(5),
            $"the observer told of job {jobId}'s move to {status.Phase}");
        return status;
    }

    /// <summary>Waits for something the probe records (or any condition) to hold.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout) Assert.Fail($"not {what} within {timeout.TotalSeconds:F0} s");
            await Task.Delay(10);
        }
    }

    /// <summary>Chunk and segment work of the job running now, summed over the live silos.</summary>
    public int RunningWork(string jobId) =>
        Cluster.Silos.Where(s => s.IsActive).Sum(s => s.SiloHost.Services.GetRequiredService<ChunkActivity>().RunningFor(jobId));

    /// <summary>Every file and folder under the job's root in the blob folder.</summary>
    public IReadOnlyList<string> Leftovers(string jobId)
    {
        var root = PathOf(JobBlobKeys.Root(jobId));
        return Directory.Exists(root) ? Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).ToList() : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            try { await Cluster.StopAllSilosAsync(); } catch (Exception) { }
            await Cluster.DisposeAsync();
        }
        _folder.Dispose();
    }
}
