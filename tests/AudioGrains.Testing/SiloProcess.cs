using System.Collections.Concurrent;
using System.Diagnostics;

namespace AudioGrains.Testing;

/// <summary>
/// A real AudioGrains silo process in Redis mode, bound to loopback. Its log lines are kept
/// (they are how a test sees which silo processed which chunk); Kill is a SIGKILL, no goodbye.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _raw = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, int siloPort, int gatewayPort, int httpPort, int managementPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        ManagementPort = managementPort;
    }

    /// <summary>Port of the management listener (/metrics, /health/*; no API key), 0 when it has none.</summary>
    public int ManagementPort { get; }

    /// <summary>The management listener's address ("http://127.0.0.1:PORT").</summary>
    public Uri ManagementAddress => ManagementPort > 0 ? new Uri($"http://127.0.0.1:{ManagementPort}") : throw new InvalidOperationException("this silo has no management listener");

    /// <summary>Port of the HTTP API when the silo serves it (0: it does not).</summary>
    public int HttpPort { get; }

    /// <summary>The HTTP API's address ("http://127.0.0.1:PORT").</summary>
    public Uri HttpAddress => HttpPort > 0 ? new Uri($"http://127.0.0.1:{HttpPort}") : throw new InvalidOperationException("this silo serves no HTTP");

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int ProcessId => _process.Id;

    /// <summary>The log as a person reads it: JSON events rendered to their messages (see <see cref="LogEvent.Render"/>).</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The log as the silo wrote it (compact JSON, one event per line, unless configured otherwise).</summary>
    public IReadOnlyCollection<string> RawLines => _raw;

    /// <summary>The JSON events of the log.</summary>
    public IEnumerable<LogEvent> Events => _raw.Select(LogEvent.Parse).OfType<LogEvent>();

    public bool HasExited => _process.HasExited;

    public static Task<SiloProcess> StartAsync(string redis, string dataDirectory, params string[] extraConfiguration) =>
        StartSiloDllAsync(redis, dataDirectory, serveHttp: false, extraConfiguration);

    /// <summary>A silo that also serves the HTTP API on a free loopback port (extra configuration as "--Key=Value").</summary>
    public static Task<SiloProcess> StartWithHttpAsync(string redis, string dataDirectory, params string[] extraConfiguration) =>
        StartSiloDllAsync(redis, dataDirectory, serveHttp: true, extraConfiguration);

    /// <summary>AudioGrains.Silo in Redis mode on loopback, serving HTTP or not.</summary>
    private static Task<SiloProcess> StartSiloDllAsync(string redis, string dataDirectory, bool serveHttp, string[] extraConfiguration) =>
        OnFreePortsAsync(() =>
        {
            var httpPort = serveHttp ? FreePorts.Next() : 0;
            return StartSiloDllAsync(redis, dataDirectory, httpPort, extraConfiguration);
        });

    /// <summary>One start on ports found free now; <paramref name="httpPort"/> 0 serves no HTTP.</summary>
    private static async Task<SiloProcess> StartSiloDllAsync(string redis, string dataDirectory, int httpPort, string[] extraConfiguration)
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var managementPort = FreePorts.Next();
        string[] args =
        [
            RepoPaths.SiloDll,
            "--AudioGrains:Mode=Redis",
            $"--AudioGrains:Redis={redis}",
            $"--AudioGrains:SiloPort={siloPort}",
            $"--AudioGrains:GatewayPort={gatewayPort}",
            $"--AudioGrains:Http:Port={httpPort}",
            $"--AudioGrains:Management:Port={managementPort}",
            "--AudioGrains:Address=127.0.0.1",
            $"--AudioGrains:DataDirectory={dataDirectory}",
            // Notice a dead silo in seconds rather than tens of seconds.
            "--AudioGrains:Membership:ProbeTimeout=00:00:02",
            "--AudioGrains:Membership:NumMissedProbesLimit=2",
            "--AudioGrains:Membership:IAmAliveTablePublishTimeout=00:00:05",
            .. extraConfiguration,
        ];
        return await StartAsync(args, siloPort, gatewayPort, httpPort, managementPort);
    }

    /// <summary>`audiograins silo --redis ...` (the CLI's silo verb) with the given storage arguments.</summary>
    public static Task<SiloProcess> StartCliAsync(string redis, params string[] storage) => StartCliWithAsync(null, redis, storage);

    /// <summary>`audiograins silo --redis ...` with these environment variables added (its configuration, e.g. AudioGrains__X).</summary>
    public static Task<SiloProcess> StartCliWithAsync(IDictionary<string, string>? environment, string redis, params string[] storage) =>
        OnFreePortsAsync(() =>
        {
            var siloPort = FreePorts.Next();
            var gatewayPort = FreePorts.Next();
            return StartAsync([RepoPaths.CliDll, "silo", "--redis", redis, "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", .. storage],
                siloPort, gatewayPort, environment: environment);
        });

    /// <summary>
    /// A port found free can be taken before the silo binds it (an outgoing connection of any process on the machine may
    /// get it as its local port): a silo that exits because an address is in use is started again on other ports, up to
    /// three times in all. Any other failure to start is the test's.
    /// </summary>
    private static async Task<SiloProcess> OnFreePortsAsync(Func<Task<SiloProcess>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The silo exited at start because one of its ports was taken by then.</summary>
    private sealed class PortTakenException(string message) : InvalidOperationException(message);

    private static async Task<SiloProcess> StartAsync(string[] args, int siloPort, int gatewayPort, int httpPort = 0, int managementPort = 0,
        IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_gcServer"] = "0";
        // A test silo is never a Kubernetes pod's silo, even when the suite itself runs in a pod.
        info.Environment["AudioGrains__Kubernetes__Enabled"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = Process.Start(info)!;
        var silo = new SiloProcess(process, siloPort, gatewayPort, httpPort, managementPort);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Generous: on a loaded 2-core machine (two test projects, each starting clusters) a silo has taken over a minute.
        var finished = await Task.WhenAny(silo._ready.Task, Task.Delay(TimeSpan.FromSeconds(120)), process.WaitForExitAsync());
        if (finished != silo._ready.Task)
        {
            var exited = process.HasExited;
            silo.Dispose();
            var log = string.Join('\n', silo._lines);
            if (exited && log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                throw new PortTakenException($"silo did not become ready:\n{log}");
            throw new InvalidOperationException($"silo did not become ready:\n{log}");
        }
        return silo;
    }

    public bool Hosts(string siloName) => siloName.EndsWith($"/pid-{ProcessId}", StringComparison.Ordinal);

    /// <summary>SIGTERM, as an orchestrator stops a silo: the time until the process exited, or null if it had not within <paramref name="timeout"/>.</summary>
    public async Task<TimeSpan?> TerminateAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return watch.Elapsed;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>SIGKILL: the process gets no chance to hand anything over.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _raw.Enqueue(line);
        _lines.Enqueue(LogEvent.Render(line));
        if (line.Contains("AudioGrains silo ready", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>Kills the silo; with AUDIOGRAINS_TEST_SILO_LOGS set to a folder, its log lines are kept there for a look afterwards.</summary>
    public void Dispose()
    {
        Kill();
        if (Environment.GetEnvironmentVariable("AUDIOGRAINS_TEST_SILO_LOGS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, $"silo-{ProcessId}.log"), _raw);
        }
        _process.Dispose();
    }
}
