using AudioGrains.Abstractions;
using AudioGrains.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// bench: upload one file through the client library alone and print the job id.
//   dotnet AudioGrains.ClientUpload.dll REDIS_HOST:PORT FILE [BLOCK_BYTES]
//   dotnet AudioGrains.ClientUpload.dll gateway=HOST:PORT FILE [BLOCK_BYTES]   (a static gateway instead of Redis membership)
if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: AudioGrains.ClientUpload REDIS_HOST:PORT|gateway=HOST:PORT FILE [BLOCK_BYTES]");
    return 2;
}
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddAudioGrainsClient(o =>
{
    if (args[0].StartsWith("gateway=", StringComparison.Ordinal)) o.Gateways.Add(args[0]["gateway=".Length..]);
    else o.Redis = args[0];
    if (args.Length == 3) o.BlockBytes = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
});
using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<IAudioGrainsClient>();
await using var input = File.OpenRead(args[1]);
var id = await client.SubmitAsync(input, Path.GetFileName(args[1]), NormalizeOptions.Default with { OutputFormat = "wav" });
Console.WriteLine($"{{\"job_id\":\"{id}\"}}");
await host.StopAsync();
return 0;
