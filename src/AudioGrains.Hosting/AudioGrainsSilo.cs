using AudioGrains.Abstractions;
using System.Net;
using AudioGrains.Gateway.Callbacks;
using AudioGrains.Grains;
using System.Diagnostics.Metrics;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Persistence;

namespace AudioGrains.Hosting;

/// <summary>The one place that configures an AudioGrains silo, embedded or Redis, from configuration.</summary>
public static class AudioGrainsSilo
{
    public const string S3Section = "AudioGrains:S3";

    /// <summary>Grain locations an embedded silo caches: a 24 h job at the default 30 s chunks has 2 880 chunk grains; more only cost a local lookup.</summary>
    public const int EmbeddedDirectoryCacheSize = 10_000;

    public static AudioGrainsHostOptions AddAudioGrainsSilo(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        // Read now, not at start: the ports and the clustering mode shape the silo before there is a container.
        var host = OptionsBinding.Bind<AudioGrainsHostOptions>(config, AudioGrainsHostOptions.Section, o => o.Validate());
        host = host with
        {
            SiloPort = host.SiloPort == 0 ? FreePort.OnLoopback() : host.SiloPort,
            GatewayPort = host.GatewayPort == 0 ? FreePort.OnLoopback() : host.GatewayPort,
        };

        var services = builder.Services;
        services.AddSingleton(Options.Create(host));
        if (host.Storage == BlobStorage.S3)
        {
            var s3 = OptionsBinding.Bind<S3StorageOptions>(config, S3Section, o => o.Validate());
            services.AddSingleton(Options.Create(s3));
            // Through a circuit breaker: an S3 endpoint that keeps failing costs a job one fast failure per try.
            services.AddSingleton<IBlobStore>(sp => new BreakingBlobStore(new S3BlobStore(s3), new DependencyBreaker("s3",
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<DependencyBreaker>(), sp.GetRequiredService<IMeterFactory>())));
        }
        services.AddAudioGrainsJobs(config, host.DataDirectory);
        // Any silo may run a job to its end, whether or not it serves HTTP: each one can deliver its callback.
        services.AddAudioGrainsCallbacks(config);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = host.ClusterId;
                o.ServiceId = host.ServiceId;
            });
            // A grain call carries its caller's trace: a chunk's span is a child of its job's phase.
            silo.AddActivityPropagation();
            silo.Services.AllowAudioGrainsExceptions();
            // A dead silo's entry counts as stale 4 s after its last heartbeat (Orleans: 30 s x 2): StaleSiloEviction then
            // declares it dead before a new silo joins, and a joining silo probes it and may vote it out alone (chaos
            // harness, all silos killed: jobs resumed after 104 s with Orleans' defaults). A heartbeat every 2 s is one
            // small Redis write per silo.
            // Probes: a silo is suspected after 2 missed 2 s probes (Orleans: 3 of 5 s), so a silo killed alone is voted
            // out in seconds. Measured against false positives: 150 s with 4 CPU hogs on 2 cores and 29 jobs, no silo
            // declared dead (membership-under-load.sh).
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedTableIAmAliveLimit = 2;
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
            });
            var membership = config.GetSection("AudioGrains:Membership");
            if (membership.Exists()) silo.Configure<ClusterMembershipOptions>(membership);

            if (host.Mode == ClusterMode.Embedded)
            {
                silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort, serviceId: host.ServiceId, clusterId: host.ClusterId);
                // One silo: the directory cache only remembers where grains of this process live. Orleans' default of a
                // million entries allocates two 4.6 MB tables up front, which the GC then scans and moves: the CLI's peak
                // RSS on 10 h of AAC was 160 MB with them, 149 MB without (docs/benchmarks.md, issue 10).
                silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = EmbeddedDirectoryCacheSize);
                silo.AddMemoryGrainStorage(JobStorage.Name);
                silo.UseInMemoryReminderService();
            }
            else
            {
                silo.ConfigureEndpoints(IPAddress.Parse(host.Address), host.SiloPort, host.GatewayPort, listenOnAnyHostAddress: false);
                // One Redis connection for the three providers and readiness: one Redis, or the primary Sentinel names.
                services.AddSingleton(sp => new SiloRedisConnection(host.Redis!, sp.GetRequiredService<ILogger<SiloRedisConnection>>()));
                silo.UseRedisClustering(_ => { });
                // Before joining, declare dead the silos listed active whose heartbeat stopped and whose port refuses.
                services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StaleSiloEviction>();
                services.AddOptions<RedisClusteringOptions>().Configure<SiloRedisConnection>((o, redis) =>
                {
                    o.ConfigurationOptions = redis.Options;
                    o.CreateMultiplexer = _ => redis.ForProviderAsync();
                });
                silo.AddRedisGrainStorage(JobStorage.Name, (OptionsBuilder<RedisStorageOptions> storage) => storage.Configure<SiloRedisConnection>((o, redis) =>
                {
                    o.ConfigurationOptions = redis.Options;
                    o.CreateMultiplexer = _ => redis.ForProviderAsync();
                    // A cleared state (a deleted or forgotten job, a released dedupe claim) leaves no key behind; by
                    // default Redis kept an empty hash with its etag for every one. Stale writers still conflict.
                    o.DeleteStateOnClear = true;
                }));
                silo.UseRedisReminderService(_ => { });
                services.AddOptions<RedisReminderTableOptions>().Configure<SiloRedisConnection>((o, redis) =>
                {
                    o.ConfigurationOptions = redis.Options;
                    o.CreateMultiplexer = _ => redis.ForProviderAsync();
                });
                // Every silo of a cluster feeds the dashboard (grain and silo statistics); gateways serve it (/dashboard).
                silo.AddDashboard(o => o.HideTrace = true);
                silo.UseAudioGrainsKubernetesHosting(config, host);
            }
        });
        return host;
    }
}
