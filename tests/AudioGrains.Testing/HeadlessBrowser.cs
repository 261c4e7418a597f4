namespace AudioGrains.Testing;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c>; scripts/test installs it) for what only a browser can check: how a page
/// or an SVG renders (a PNG screenshot) and the DOM it builds. Every run has its own user-data folder, deleted after it,
/// and a time limit past which it is killed with its children.
/// </summary>
public sealed class HeadlessBrowser(string executable, TimeSpan? timeout = null)
{
    private static readonly string[] Candidates = ["chromium", "chromium-browser", "google-chrome"];

    public string Executable => executable;

    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromSeconds(60);

    /// <summary>The browser on PATH (or in AUDIOGRAINS_CHROMIUM), or null when there is none.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("AUDIOGRAINS_CHROMIUM") is { Length: > 0 } configured && File.Exists(configured)) return configured;
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries) ?? [];
        return Candidates.SelectMany(name => path.Select(dir => Path.Combine(dir, name))).FirstOrDefault(File.Exists);
    }

    /// <summary>Why browser tests are skipped, or null when a browser is there.</summary>
    public static string? MissingReason => Find() is null
        ? "headless Chromium is not installed and could not be (scripts/test installs it with apt-get install -y chromium)"
        : null;

    public static HeadlessBrowser Default() =>
        new(Find() ?? throw new InvalidOperationException(MissingReason));

    /// <summary>A file's URL for the browser.</summary>
    public static string FileUrl(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    /// <summary>
    /// Renders <paramref name="url"/> (an http URL, or a file path) into a PNG of the window's size. Keep windows at least
    /// about 200 px high: in a smaller one this Chromium (156, new headless mode) shrinks the viewport to a strip and
    /// the rest of the PNG stays white.
    /// </summary>
    public async Task ScreenshotAsync(string url, string pngPath, int width, int height)
    {
        var png = Path.GetFullPath(pngPath);
        File.Delete(png);
        var result = await RunAsync(ToUrl(url), $"--screenshot={png}", $"--window-size={width},{height}");
        if (result.ExitCode != 0 || !File.Exists(png))
            throw new InvalidOperationException($"{executable} made no screenshot of {url} (exit {result.ExitCode}): {Tail(result.StandardError)}");
    }

    /// <summary>The DOM the browser built from <paramref name="url"/>, serialized (scripts run first).</summary>
    /// <param name="scriptMilliseconds">Virtual time scripts get after the load (a page that renders itself with JavaScript needs some).</param>
    public async Task<string> DumpDomAsync(string url, int scriptMilliseconds = 0)
    {
        var result = scriptMilliseconds > 0
            ? await RunAsync(ToUrl(url), "--dump-dom", $"--virtual-time-budget={scriptMilliseconds}")
            : await RunAsync(ToUrl(url), "--dump-dom");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{executable} could not load {url} (exit {result.ExitCode}): {Tail(result.StandardError)}");
        return result.StandardOutput;
    }

    private async Task<ProcessResult> RunAsync(string url, params string[] action)
    {
        using var profile = new TempFolder();
        return await ProcessRunner.RunAsync(executable,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
            "--disable-extensions", "--mute-audio", $"--user-data-dir={profile.Path}",
            // Tests reach loopback only: no name resolves (IP literals need none), no background fetches.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-pings", "--disable-domain-reliability", .. action, url,
        ], Timeout);
    }

    private static string ToUrl(string url) => url.Contains("://", StringComparison.Ordinal) ? url : FileUrl(url);

    // Chromium logs much noise (D-Bus, GPU) on stderr; the end is what explains a failure.
    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
