using System.Collections.Concurrent;
using AudioGrains.Testing;

namespace AudioGrains.Deployment.Tests;

/// <summary>Renders a kustomization under k8s/ with `kubectl kustomize`, once per directory per test run.</summary>
public static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Rendered = new();

    public static string K8sRoot => Path.Combine(RepoPaths.Root, "k8s");

    /// <summary>The base and every overlay, as paths relative to k8s/ (new overlays are picked up by themselves).</summary>
    public static IReadOnlyList<string> Targets { get; } =
        ["base", .. Directory.GetDirectories(Path.Combine(K8sRoot, "overlays")).Select(d => "overlays/" + Path.GetFileName(d)).Order()];

    public static TheoryData<string> TargetData => [.. Targets];

    public static TheoryData<string> OverlayData => [.. Targets.Where(t => t.StartsWith("overlays/", StringComparison.Ordinal))];

    /// <summary>The YAML that `kubectl kustomize k8s/{relative}` prints.</summary>
    public static Task<string> RenderAsync(string relative) =>
        Rendered.GetOrAdd(relative, r => new Lazy<Task<string>>(() => RunAsync(r))).Value;

    private static async Task<string> RunAsync(string relative)
    {
        var kubectl = Executables.Require("kubectl", "render k8s/ (kubectl kustomize)");
        var dir = Path.Combine(K8sRoot, relative);
        if (!File.Exists(Path.Combine(dir, "kustomization.yaml"))) throw new DirectoryNotFoundException($"no kustomization.yaml in {dir}");
        var result = await ProcessRunner.RunAsync(kubectl, ["kustomize", dir], TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"kubectl kustomize k8s/{relative} exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }
}
