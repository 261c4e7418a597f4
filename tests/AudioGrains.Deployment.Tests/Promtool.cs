using AudioGrains.Testing;

namespace AudioGrains.Deployment.Tests;

public static class Promtool
{
    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Executables.Require("promtool", "check Prometheus rules"), arguments, TimeSpan.FromMinutes(2));
}
