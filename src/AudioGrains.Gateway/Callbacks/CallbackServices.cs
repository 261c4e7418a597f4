using AudioGrains.Grains.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>Completion callbacks on a silo: every silo needs them, since any silo may run a job, whether or not it serves HTTP.</summary>
public static class CallbackServices
{
    /// <summary>The URL policy, the sender and its HttpClient, and the job observer that starts deliveries; options "AudioGrains:Http".</summary>
    public static IServiceCollection AddAudioGrainsCallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IJobObserver) && d.ImplementationType == typeof(JobCallbackTrigger))) return services;
        services.AddGatewayOptions(configuration);
        services.TryAddSingleton<CallbackUrlPolicy>();
        services.TryAddSingleton<CallbackSender>();
        services.AddSingleton<IJobObserver, JobCallbackTrigger>();
        services.AddHttpClient(CallbackSender.HttpClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.CallbackTimeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                // A proxy would be what the connect check sees, not the receiver.
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = new CallbackConnector(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.AllowPrivateCallbacks).ConnectAsync,
            });
        return services;
    }
}
