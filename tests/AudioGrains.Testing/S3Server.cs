using System.Collections.Concurrent;
using System.Diagnostics;

namespace AudioGrains.Testing;

/// <summary>
/// A real s3rver (npm s3rver@3.7.1, an S3 emulator on Node) on a free loopback port, with a bucket made at start and
/// its data in a temporary folder; stopped and cleaned up on dispose. It accepts the access key and secret "S3RVER".
/// </summary>
public sealed class S3Server : IDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string InstallHint = "npm install -g s3rver@3.7.1 (scripts/test installs it)";

    private readonly Process _process;

    private S3Server(Process process, int port, string bucket, string dataDirectory)
    {
        _process = process;
        Port = port;
        Bucket = bucket;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The bucket made at start.</summary>
    public string Bucket { get; }

    /// <summary>s3rver's files: one folder per bucket.</summary>
    public string DataDirectory { get; }

    /// <summary>
    /// Multipart uploads started and neither completed nor aborted, from s3rver's own files
    /// (&lt;bucket&gt;/._S3rver_uploads/&lt;upload id&gt;): s3rver 3.7.1 has no ListMultipartUploads.
    /// </summary>
    public IReadOnlyList<string> PendingUploads(string bucket)
    {
        var uploads = Path.Combine(DataDirectory, bucket, "._S3rver_uploads");
        return Directory.Exists(uploads) ? Directory.GetDirectories(uploads).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>
    /// Sets this process's AWS_* variables so that the SDK's default credential chain finds s3rver's keys, and turns
    /// off the EC2 instance metadata lookup (which would go off the machine) and shared config files' say.
    /// </summary>
    public static void UseCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    public static async Task<S3Server> StartAsync(string bucket = "audiograins-test")
    {
        var port = FreePorts.Next();
        var data = Path.Combine(Path.GetTempPath(), "audiograins-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var info = new ProcessStartInfo("s3rver")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // ListObjectsV2 continuation tokens are DES-encrypted by s3rver 3.7.1; OpenSSL 3 (Node 17 and later) has
        // DES only in its legacy provider, without which every second page is a 500 InternalError.
        info.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        foreach (var a in new[] { "--directory", data, "--address", "127.0.0.1", "--port", port.ToString(), "--silent", "--configure-bucket", bucket })
            info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            TryDeleteFolder(data);
            throw new InvalidOperationException($"s3rver is not on PATH; install it with: {InstallHint}", e);
        }
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Ready when the bucket answers (s3rver makes it before it listens; anonymous reads are allowed).
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/{bucket}");
                if (response.IsSuccessStatusCode) return new S3Server(process, port, bucket, data);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        var exited = process.HasExited ? $"exited with code {process.ExitCode}" : "did not answer within 30 s";
        Stop(process);
        TryDeleteFolder(data);
        throw new InvalidOperationException($"s3rver on 127.0.0.1:{port} {exited}: {string.Join(" | ", output.TakeLast(20))}");
    }

    public void Dispose()
    {
        Stop(_process);
        TryDeleteFolder(DataDirectory);
    }

    private static void Stop(Process process)
    {
        try { if (!process.HasExited) { process.Kill(true); process.WaitForExit(5000); } } catch (InvalidOperationException) { }
        process.Dispose();
    }

    private static void TryDeleteFolder(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
