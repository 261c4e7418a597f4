using System.Net;
using AudioGrains.Gateway;
using AudioGrains.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AudioGrains.Hosting;

/// <summary>
/// A silo process, with the HTTP API as an optional role (AudioGrains:Http:Port above 0): a web host then, on the
/// silo's own address, else a plain host. Both silo executables (the CLI's `silo` verb and AudioGrains.Silo) build
/// theirs here.
/// </summary>
public static class SiloHost
{
    /// <summary>The host, its silo options, and the HTTP port (0: no HTTP).</summary>
    public static (IHost Host, AudioGrainsHostOptions Options, int HttpPort) Build(string[] args, IDictionary<string, string?>? settings,
        Action<IHostApplicationBuilder> configureLogging)
    {
        var probe = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args);
        if (settings is not null) probe.AddInMemoryCollection(settings);
        var http = OptionsBinding.Bind<GatewayOptions>(probe.Build(), GatewayOptions.Section, o => o.Validate());
        if (http.Port == 0)
        {
            var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
            if (settings is not null) plain.Configuration.AddInMemoryCollection(settings);
            configureLogging(plain);
            var options = plain.AddAudioGrainsSilo();
            return (plain.Build(), options, 0);
        }

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        if (settings is not null) web.Configuration.AddInMemoryCollection(settings);
        configureLogging(web);
        var silo = web.AddAudioGrainsSilo();
        web.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(silo.Address), http.Port));
        web.Services.AddGatewayOptions(web.Configuration);
        web.Services.AddAudioGrainsGateway();
        web.Services.AddHealthChecks().AddSiloReadiness(silo);
        var app = web.Build();
        app.MapAudioGrainsGateway();
        return (app, silo, http.Port);
    }
}
