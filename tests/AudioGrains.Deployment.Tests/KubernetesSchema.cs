using AudioGrains.Testing;

namespace AudioGrains.Deployment.Tests;

/// <summary>
/// Validates YAML against the Kubernetes API's JSON schemas (npm kubernetes-models, and its Prometheus Operator models
/// for monitoring.coreos.com), as the API server would on apply: enum values, formats, types and required fields, which
/// KubernetesClient's strict loading does not check (it knows the fields, not their values). The npm packages of
/// KubernetesSchema/package-lock.json are installed once per test run into the output folder.
/// </summary>
public static class KubernetesSchema
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    public static async Task<ProcessResult> ValidateAsync(string yaml)
    {
        var folder = await Installed.Value;
        var input = Path.Combine(folder, $"input-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(input, yaml);
        try
        {
            // The validator reads standard input; bash redirects the file into it (ProcessRunner closes standard input).
            return await ProcessRunner.RunAsync("bash", ["-c", "exec node \"$1\" < \"$2\"", "validate", Path.Combine(folder, "validate.mjs"), input],
                TimeSpan.FromMinutes(2));
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static async Task<string> InstallAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "KubernetesSchema");
        Executables.Require("node", "validate k8s/ against the Kubernetes schemas");
        if (!File.Exists(Path.Combine(folder, "node_modules", "kubernetes-models", "package.json")))
        {
            var npm = Executables.Require("npm", "install the Kubernetes schemas (npm ci)");
            var result = await ProcessRunner.RunAsync(npm, ["ci", "--prefix", folder, "--no-audit", "--no-fund", "--silent"], TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0) throw new InvalidOperationException($"npm ci in {folder} exited {result.ExitCode}: {result.StandardError}");
        }
        return folder;
    }
}
