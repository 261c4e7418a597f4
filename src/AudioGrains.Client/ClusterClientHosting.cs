using AudioGrains.Abstractions;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace AudioGrains.Client;

/// <summary>Connects a service to an AudioGrains cluster: <c>services.AddAudioGrainsClient(configuration.GetSection("AudioGrains:Client"))</c>.</summary>
public static class ClusterClientHosting
{
    /// <summary>The client, with its options bound from <paramref name="section"/> (Redis, or Gateways, ClusterId, ...).</summary>
    public static IServiceCollection AddAudioGrainsClient(this IServiceCollection services, IConfiguration section) =>
        services.AddAudioGrainsClient(o => section.Bind(o));

    /// <summary>The client, with its options set in code.</summary>
    public static IServiceCollection AddAudioGrainsClient(this IServiceCollection services, Action<AudioGrainsClientOptions> configure)
    {
        var options = new AudioGrainsClientOptions();
        configure(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new OptionsValidationException(nameof(AudioGrainsClientOptions), typeof(AudioGrainsClientOptions), errors);
        services.AddSingleton(Options.Create(options));
        services.AddOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            if (!string.IsNullOrWhiteSpace(options.Redis))
                client.Services.AddSingleton<IGatewayListProvider, RedisGatewayList>();
            else
                client.UseStaticClustering([.. options.Gateways.Select(IPEndPoint.Parse)]);
            // The caller's trace (Activity.Current) goes with each call: a job's spans continue the request that submitted it.
            client.AddActivityPropagation();
            client.Services.AllowAudioGrainsExceptions();
        });
        services.AddSingleton<AudioGrainsClient>();
        services.AddSingleton<IAudioGrainsClient>(sp => sp.GetRequiredService<AudioGrainsClient>());
        return services;
    }

    /// <summary>Redis membership with the default cluster names (the cluster tests' and the CLI's short form).</summary>
    public static IHostApplicationBuilder AddAudioGrainsClient(this IHostApplicationBuilder builder, string redis)
    {
        builder.Services.AddAudioGrainsClient(o => o.Redis = redis);
        return builder;
    }
}
