using System.Net;
using AudioGrains.Gateway;
using AudioGrains.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace AudioGrains.Hosting;

/// <summary>The ports a silo process listens on besides Orleans' own (0: not served).</summary>
public sealed record SiloListeners(int HttpPort, int ManagementPort);

/// <summary>
/// A silo process, with the HTTP API (AudioGrains:Http:Port) and the management listener (AudioGrains:Management:Port)
/// as optional roles: a web host when either is on, on the silo's own address, else a plain host. Logs as
/// AudioGrains:Logging says (compact JSON by default). Both silo executables (the CLI's `silo` verb and
/// AudioGrains.Silo) build theirs here.
/// </summary>
public static class SiloHost
{
    public static (IHost Host, AudioGrainsHostOptions Options, SiloListeners Listeners) Build(string[] args, IDictionary<string, string?>? settings)
    {
        var probe = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args);
        if (settings is not null) probe.AddInMemoryCollection(settings);
        var configuration = probe.Build();
        var http = OptionsBinding.Bind<GatewayOptions>(configuration, GatewayOptions.Section, o => o.Validate());
        var management = OptionsBinding.Bind<ManagementOptions>(configuration, ManagementOptions.Section, o => o.Validate());
        var listeners = new SiloListeners(http.Port, management.Port);
        if (http.Port == 0 && management.Port == 0)
        {
            var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
            if (settings is not null) plain.Configuration.AddInMemoryCollection(settings);
            var options = Compose(plain);
            return (plain.Build(), options, listeners);
        }

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        if (settings is not null) web.Configuration.AddInMemoryCollection(settings);
        var silo = Compose(web);
        web.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var port in new[] { http.Port, management.Port }.Where(p => p > 0))
            {
                var address = IPAddress.Parse(silo.Address);
                kestrel.Listen(address, port);
                // On a pod's address, loopback too: `kubectl port-forward` connects to the pod's loopback.
                if (!IPAddress.IsLoopback(address)) kestrel.Listen(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, port);
            }
        });
        web.Services.AddHealthChecks().AddSiloReadiness(silo);
        if (http.Port > 0)
        {
            web.Services.AddGatewayOptions(web.Configuration);
            web.Services.AddAudioGrainsGateway();
        }
        var app = web.Build();
        if (management.Port > 0) app.UseManagementPort(management.Port);
        if (http.Port > 0) app.MapAudioGrainsGateway();
        else app.MapManagementOnly();
        return (app, silo, listeners);
    }

    /// <summary>The silo, its logs and its telemetry: the same for a plain host and a web host.</summary>
    private static AudioGrainsHostOptions Compose(IHostApplicationBuilder builder)
    {
        builder.Configuration.AddFaultsFile();
        var logging = OptionsBinding.Bind<LoggingOptions>(builder.Configuration, LoggingOptions.Section, o => o.Validate());
        builder.Services.AddSerilog((services, config) =>
            SiloLogging.Configure(config, logging, () => services.GetRequiredService<SiloIdentity>().Name, toStandardError: false));
        var silo = builder.AddAudioGrainsSilo();
        builder.AddSiloTelemetry(silo);
        return silo;
    }
}
