using AudioGrains.Grains;
using AudioGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

// An AudioGrains silo. Configuration: appsettings, environment (AudioGrains__Mode=Redis) or
// arguments (--AudioGrains:Mode=Redis --AudioGrains:Redis=127.0.0.1:6379). AudioGrains:Http:Port serves the HTTP API too.
var (built, options, http) = SiloHost.Build(args, null, builder =>
{
    var level = Enum.TryParse<LogEventLevel>(builder.Configuration["AudioGrains:LogLevel"], ignoreCase: true, out var parsed)
        ? parsed : LogEventLevel.Information;
    builder.Services.AddSerilog(config => SiloLogging.Configure(config, level, toStandardError: false));
});

using var host = built;
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
lifetime.ApplicationStarted.Register(() =>
{
    var logger = host.Services.GetRequiredService<ILogger<Program>>();
    logger.LogInformation("AudioGrains silo ready: {Silo} mode {Mode} gateway {GatewayPort} http {HttpPort} data {DataDirectory}",
        host.Services.GetRequiredService<SiloIdentity>().Name, options.Mode, options.GatewayPort, http, options.DataDirectory);
});
await host.RunAsync();
