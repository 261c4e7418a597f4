using AudioGrains.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioGrains.Gateway;

public static class GatewayOptionsBinding
{
    /// <summary>
    /// <see cref="GatewayOptions"/> bound from "AudioGrains:Http" and checked at start; once, however many parts of the
    /// gateway ask (the callbacks on every silo, the HTTP API where it is on).
    /// </summary>
    public static IServiceCollection AddGatewayOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<GatewayOptions>))) return services;
        services.AddValidatedOptions<GatewayOptions>(configuration, GatewayOptions.Section, o => o.Validate());
        return services;
    }
}
