using System.Net;
using AudioGrains.Grains;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Storage;
using AudioGrains.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using StackExchange.Redis;

namespace AudioGrains.Hosting;

/// <summary>The one place that configures an AudioGrains silo, embedded or Redis, from configuration.</summary>
public static class AudioGrainsSilo
{
    public static AudioGrainsHostOptions AddAudioGrainsSilo(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var host = OptionsBinding.Bind<AudioGrainsHostOptions>(config, AudioGrainsHostOptions.Section, o => o.Validate());
        var processing = OptionsBinding.Bind<ProcessingOptions>(config, "AudioGrains:Processing", o => o.Validate());
        var ffmpeg = OptionsBinding.Bind<FfmpegOptions>(config, "AudioGrains:Ffmpeg", _ => []);
        var limits = OptionsBinding.Bind<MediaLimits>(config, "AudioGrains:Limits", _ => []);
        host = host with
        {
            SiloPort = host.SiloPort == 0 ? FreePort.OnLoopback() : host.SiloPort,
            GatewayPort = host.GatewayPort == 0 ? FreePort.OnLoopback() : host.GatewayPort,
        };

        var services = builder.Services;
        services.AddSingleton(host);
        services.AddSingleton(processing);
        services.AddSingleton(ffmpeg);
        services.AddSingleton(limits);
        services.AddSingleton<IBlobStore>(new FileSystemBlobStore(host.DataDirectory));
        services.AddSingleton<MediaProbe>();
        services.AddSingleton<PcmDecoder>();
        services.AddSingleton<PcmEncoder>();
        services.AddSingleton<SegmentedOpusOutput>();
        services.AddSingleton<CpuWorkLimiter>();
        services.AddSingleton<InputIngestor>();
        services.AddSingleton(sp => new SiloIdentity(
            $"{sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()}/pid-{Environment.ProcessId}"));

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = host.ClusterId;
                o.ServiceId = host.ServiceId;
            });
            var membership = config.GetSection("AudioGrains:Membership");
            if (membership.Exists()) silo.Configure<ClusterMembershipOptions>(membership);

            if (host.Mode == ClusterMode.Embedded)
            {
                silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort, serviceId: host.ServiceId, clusterId: host.ClusterId);
                silo.AddMemoryGrainStorage(JobStorage.Name);
                silo.UseInMemoryReminderService();
            }
            else
            {
                var redis = ConfigurationOptions.Parse(host.Redis!);
                silo.ConfigureEndpoints(IPAddress.Parse(host.Address), host.SiloPort, host.GatewayPort, listenOnAnyHostAddress: false);
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
                silo.AddRedisGrainStorage(JobStorage.Name, o => o.ConfigurationOptions = redis.Clone());
                silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
            }
        });
        return host;
    }
}
