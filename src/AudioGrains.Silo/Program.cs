using AudioGrains.Grains;
using AudioGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// An AudioGrains silo. Configuration: appsettings, environment (AudioGrains__Mode=Redis) or
// arguments (--AudioGrains:Mode=Redis --AudioGrains:Redis=127.0.0.1:6379). AudioGrains:Http:Port serves the HTTP API too,
// AudioGrains:Management:Port /metrics and the health probes; AudioGrains:Logging:Format json (default) or text.
var (built, options, listeners) = SiloHost.Build(args, null);

using var host = built;
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
lifetime.ApplicationStarted.Register(() =>
{
    var logger = host.Services.GetRequiredService<ILogger<Program>>();
    logger.LogInformation("AudioGrains silo ready: {Silo} mode {Mode} gateway {GatewayPort} http {HttpPort} management {ManagementPort} storage {Storage}",
        host.Services.GetRequiredService<SiloIdentity>().Name, options.Mode, options.GatewayPort, listeners.HttpPort, listeners.ManagementPort, options.Storage);
});
await host.RunAsync();
