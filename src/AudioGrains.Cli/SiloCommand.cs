using System.CommandLine;
using System.Globalization;
using AudioGrains.Abstractions;
using AudioGrains.Grains;
using AudioGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace AudioGrains.Cli;

/// <summary>`audiograins silo --redis HOST:PORT [--storage DIR | --storage s3://BUCKET --s3-endpoint URL] ...`: one silo until SIGTERM.</summary>
public static class SiloCommand
{
    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "Redis for membership, job state and reminders: HOST:PORT, or through Sentinel HOST:PORT[,HOST:PORT...],serviceName=NAME", Required = true };
        var storage = new Option<string?>("--storage") { Description = "Blob store: a folder every silo mounts, or s3://BUCKET" };
        var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "S3 endpoint URL (with --storage s3://BUCKET); credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY" };
        var temp = new Option<string?>("--temp") { Description = "This silo's private temp folder (staged files for ffmpeg)" };
        var siloPort = new Option<int>("--silo-port") { Description = "Silo-to-silo port (0: a free one)", DefaultValueFactory = _ => 0 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Client gateway port (0: a free one)", DefaultValueFactory = _ => 0 };
        var httpPort = new Option<int>("--http-port") { Description = "Also serve the HTTP API on this port (0: no HTTP)", DefaultValueFactory = _ => 0 };
        var managementPort = new Option<int>("--management-port") { Description = "Serve /metrics and the health probes on this port, without API key (0: not)", DefaultValueFactory = _ => 0 };
        var logFormat = new Option<LogFormat>("--log-format") { Description = "Logs on standard output: json (one event per line) or text", DefaultValueFactory = _ => LogFormat.Json };
        var clusterId = new Option<string?>("--cluster-id") { Description = "Cluster id (default audiograins)" };
        var command = new Command("silo", "Run one silo of a cluster until SIGTERM") { redis, storage, s3Endpoint, temp, siloPort, gatewayPort, httpPort, managementPort, logFormat, clusterId };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["AudioGrains:Mode"] = nameof(ClusterMode.Redis),
                ["AudioGrains:Redis"] = parse.GetValue(redis),
            };
            // These settings win over the environment, so an option's default must not: AudioGrains__Logging__Format=text
            // (or __Management__Port) in the environment applies unless the option is given.
            var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            void Setting<T>(string key, Option<T> option, Func<T, string> text)
            {
                if (parse.GetResult(option) is { Implicit: false } || environment[key] is null) settings[key] = text(parse.GetValue(option)!);
            }
            static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
            Setting("AudioGrains:SiloPort", siloPort, Number);
            Setting("AudioGrains:GatewayPort", gatewayPort, Number);
            Setting("AudioGrains:Http:Port", httpPort, Number);
            Setting("AudioGrains:Management:Port", managementPort, Number);
            Setting("AudioGrains:Logging:Format", logFormat, f => f.ToString());
            if (parse.GetValue(clusterId) is { } id) settings["AudioGrains:ClusterId"] = id;
            if (parse.GetValue(temp) is { } t) settings["AudioGrains:Processing:TempDirectory"] = Path.GetFullPath(t);
            if (parse.GetValue(storage) is { } s && s.StartsWith("s3://", StringComparison.Ordinal))
            {
                settings["AudioGrains:Storage"] = nameof(BlobStorage.S3);
                settings["AudioGrains:S3:Bucket"] = s["s3://".Length..].TrimEnd('/');
                settings["AudioGrains:S3:ServiceUrl"] = parse.GetValue(s3Endpoint);
            }
            else if (parse.GetValue(storage) is { } folder)
            {
                settings["AudioGrains:DataDirectory"] = Path.GetFullPath(folder);
            }

            try
            {
                var (built, options, listeners) = SiloHost.Build([], settings);
                using var host = built;
                host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
                    host.Services.GetRequiredService<ILogger<SiloIdentity>>().LogInformation(
                        "AudioGrains silo ready: {Silo} gateway {GatewayPort} http {HttpPort} management {ManagementPort} storage {Storage}",
                        host.Services.GetRequiredService<SiloIdentity>().Name, options.GatewayPort, listeners.HttpPort, listeners.ManagementPort, options.Storage));
                await host.RunAsync(ct);
                return 0;
            }
            catch (InvalidOperationException e) when (e.Message.StartsWith("invalid configuration", StringComparison.Ordinal))
            {
                return CliFailure.Report(new AudioGrainsException(ErrorCodes.InvalidOptions, e.Message));
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                return CliFailure.Report(new AudioGrainsException(ErrorCodes.InvalidOptions, e.Message));
            }
        });
        return command;
    }
}
