using System.Diagnostics;
using System.Text.Json;
using AudioGrains.Testing;
using Xunit.Abstractions;

namespace AudioGrains.Cluster.Tests;

/// <summary>
/// A user starts a cluster and runs jobs on it from the command line: `audiograins silo` processes on a real
/// redis-server with an S3 bucket, then `submit -o` (which gives what `normalize` gives), `submit` + `status` +
/// `download`, and the errors of an unknown job.
/// </summary>
public sealed class CliClusterVerbsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Silo_submit_status_and_download_from_the_command_line()
    {
        using var dir = new TempFolder();
        using var redis = await RedisServer.StartAsync();
        using var s3 = await S3Server.StartAsync();
        S3Server.UseCredentials();
        using var silo1 = await SiloProcess.StartCliAsync(redis.ConnectionString, "--storage", $"s3://{s3.Bucket}", "--s3-endpoint", s3.ServiceUrl, "--temp", dir.Folder("temp1"));
        using var silo2 = await SiloProcess.StartCliAsync(redis.ConnectionString, "--storage", $"s3://{s3.Bucket}", "--s3-endpoint", s3.ServiceUrl, "--temp", dir.Folder("temp2"));
        var cluster = $"redis://{redis.ConnectionString}";
        var input = await TestAudio.SpeechAsync(dir.File("speech.wav"), 30);

        // submit -o waits, downloads, and reports as normalize does; the file is normalize's, byte for byte.
        var submitted = await CliProcess.JsonAsync("submit", input, "--cluster", cluster, "-o", dir.File("cluster.webm"), "--denoise", "stationary");
        await CliProcess.JsonAsync("normalize", input, "-o", dir.File("local.webm"), "--denoise", "stationary");
        Assert.Equal(await File.ReadAllBytesAsync(dir.File("local.webm")), await File.ReadAllBytesAsync(dir.File("cluster.webm")));
        Assert.InRange(submitted.GetProperty("output").Number("integrated_lufs"), -23.5, -22.5);

        // submit prints the job id; status follows it; download fetches the output.
        var id = (await CliProcess.JsonAsync("submit", input, "--cluster", cluster, "--format", "wav")).GetProperty("job_id").GetString()!;
        string phase;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        do
        {
            await Task.Delay(500);
            phase = (await CliProcess.JsonAsync("status", id, "--cluster", cluster)).GetProperty("status").GetString()!;
        }
        while (phase != "completed" && phase != "failed" && DateTime.UtcNow < deadline);
        Assert.Equal("completed", phase);
        var download = await CliProcess.RunAsync("download", id, "--cluster", cluster, "-o", dir.File("downloaded.wav"));
        Assert.True(download.ExitCode == 0, download.StandardError);
        Assert.Equal(30, WavFile.Read(dir.File("downloaded.wav")).Samples.Length / 16000.0, 1);

        var unknown = await CliProcess.RunAsync("status", "no-such-job", "--cluster", cluster);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.StartsWith("error: not-found:", unknown.StandardError.Trim(), StringComparison.Ordinal);
        var noOutput = await CliProcess.RunAsync("download", "no-such-job", "--cluster", cluster, "-o", dir.File("none.wav"));
        Assert.StartsWith("error: not-found:", noOutput.StandardError.Trim(), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("none.wav")));
        output.WriteLine($"job {id} via the command line; silos {silo1.ProcessId}, {silo2.ProcessId}");
    }

    [Fact]
    public async Task Submit_that_waits_names_its_job_in_its_json_report_and_in_its_error()
    {
        using var dir = new TempFolder();
        using var redis = await RedisServer.StartAsync();
        using var silo = await SiloProcess.StartCliAsync(redis.ConnectionString, "--storage", dir.Folder("blobs"));
        var cluster = $"redis://{redis.ConnectionString}";

        // --wait --json: the report, and the id to download the output by.
        var input = await TestAudio.SpeechAsync(dir.File("speech.wav"), 10);
        var report = await CliProcess.JsonAsync("submit", input, "--cluster", cluster, "--wait", "--format", "wav");
        var id = report.GetProperty("job_id").GetString()!;
        Assert.InRange(report.GetProperty("output").Number("integrated_lufs"), -23.5, -22.5);
        Assert.Equal("completed", (await CliProcess.JsonAsync("status", id, "--cluster", cluster)).GetProperty("status").GetString());

        // A job that fails: its error line names it, so that an operator can look at it (or retry it) afterwards.
        var garbage = dir.File("garbage.wav");
        await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var failed = await CliProcess.RunAsync("submit", garbage, "--cluster", cluster, "--wait");
        output.WriteLine(failed.StandardError.Trim());
        Assert.Equal(1, failed.ExitCode);
        var named = System.Text.RegularExpressions.Regex.Match(failed.StandardError, "^error: invalid-media: job ([0-9a-f]{32}) failed: ");
        Assert.True(named.Success, failed.StandardError);
        var status = await CliProcess.JsonAsync("status", named.Groups[1].Value, "--cluster", cluster);
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal("invalid-media", status.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Ctrl_c_during_submit_wait_ends_with_130_and_names_the_job_that_goes_on()
    {
        using var dir = new TempFolder();
        using var redis = await RedisServer.StartAsync();
        using var silo = await SiloProcess.StartCliAsync(redis.ConnectionString, "--storage", dir.Folder("blobs"));
        var cluster = $"redis://{redis.ConnectionString}";
        // An hour of tone with the speech estimator: minutes of work, far more than the test waits.
        var input = await TestAudio.LavfiAsync(dir.File("long.flac"), "sine=frequency=440:duration=3600:sample_rate=16000");
        var id = AudioGrains.Client.AudioGrainsClient.JobIdFor("interrupted-submit");

        using var cli = RunningCli.Start("submit", input, "--cluster", cluster, "--wait", "--json", "--denoise", "speech",
            "--format", "wav", "--idempotency-key", "interrupted-submit");

        // Interrupt once the job is processing (the submit is then waiting for it).
        var started = Stopwatch.StartNew();
        while ((await CliProcess.RunAsync("status", id, "--cluster", cluster, "--json")) is var s
               && (s.ExitCode != 0 || JsonDocument.Parse(s.StandardOutput).RootElement.GetProperty("status").GetString() != "processing"))
        {
            if (cli.HasExited) Assert.Fail($"submit ended ({cli.ExitCode}) before its job was processing: {await cli.StandardOutput} {await cli.StandardError}");
            Assert.True(started.Elapsed < TimeSpan.FromMinutes(3), "the job was not processing within 3 minutes");
            await Task.Delay(500);
        }
        var stopping = await cli.InterruptAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"exit {cli.ExitCode} {stopping.TotalSeconds:F1} s after SIGINT: {(await cli.StandardError).Trim()}");

        Assert.Equal(130, cli.ExitCode);
        Assert.True(stopping < TimeSpan.FromSeconds(60), $"took {stopping} to stop");
        Assert.Empty(await cli.StandardOutput);
        Assert.Contains($"interrupted: job {id} goes on in the cluster", await cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await cli.StandardError, StringComparison.Ordinal);

        // The job was the cluster's, not the command's: it still runs, and `cancel` stops it.
        var after = await CliProcess.JsonAsync("status", id, "--cluster", cluster);
        Assert.Contains(after.GetProperty("status").GetString(), new[] { "processing", "completed" });
        var cancelled = await CliProcess.JsonAsync("cancel", id, "--cluster", cluster);
        Assert.Contains(cancelled.GetProperty("status").GetString(), new[] { "cancelled", "completed" });
    }

    [Fact]
    public async Task Cluster_verbs_without_a_cluster_fail_within_seconds_and_blank_job_ids_are_not_found()
    {
        // Nothing listens on the gateway port, or Redis answers but no silo ever joined: one error line, well before
        // Orleans' own three minutes of tries.
        // The two run at once: each waits out the client's connect timeout.
        using var empty = await RedisServer.StartAsync();
        await Task.WhenAll(new[] { $"127.0.0.1:{FreePorts.Next()}", $"redis://{empty.ConnectionString}" }.Select(async cluster =>
        {
            var watch = Stopwatch.StartNew();
            var result = await CliProcess.RunAsync("status", "some-job", "--cluster", cluster, "--json");
            output.WriteLine($"{cluster}: exit {result.ExitCode} after {watch.Elapsed.TotalSeconds:F1} s: {result.StandardError.Trim()}");
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith($"error: processing-failed: cannot reach the cluster at {cluster}", result.StandardError.Trim(), StringComparison.Ordinal);
            Assert.Equal("", result.StandardOutput);
            Assert.InRange(watch.Elapsed.TotalSeconds, 0, 60);
        }));

        // A blank id is an unknown job: the error contract's line, not a stack trace.
        using var dir = new TempFolder();
        using var redis = await RedisServer.StartAsync();
        using var silo = await SiloProcess.StartCliAsync(redis.ConnectionString, "--storage", dir.Folder("blobs"));
        await Task.WhenAll(new[] { "status", "cancel", "retry" }.Select(async verb =>
        {
            var result = await CliProcess.RunAsync(verb, " ", "--cluster", $"redis://{redis.ConnectionString}");
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("error: not-found:", result.StandardError.Trim(), StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
        }));
        var download = await CliProcess.RunAsync("download", "", "--cluster", $"redis://{redis.ConnectionString}", "-o", dir.File("none.wav"));
        Assert.StartsWith("error: not-found:", download.StandardError.Trim(), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("none.wav")));
    }
}
