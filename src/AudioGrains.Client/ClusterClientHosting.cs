using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace AudioGrains.Client;

/// <summary>Connects a host to an AudioGrains cluster that uses Redis clustering.</summary>
public static class ClusterClientHosting
{
    public static IHostApplicationBuilder AddAudioGrainsClient(this IHostApplicationBuilder builder, string redis,
        string clusterId = "audiograins", string serviceId = "audiograins")
    {
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        });
        builder.Services.AddSingleton<AudioGrainsClient>();
        return builder;
    }
}
