namespace AudioGrains.Deployment.Tests;

/// <summary>
/// Every rendered object is valid against the schema of its kind, as `kubectl apply` would find it: the values too
/// (an imagePullPolicy or a port protocol the API does not have), which strict loading (ManifestLoadTests) lets pass.
/// </summary>
public sealed class SchemaTests
{
    public static TheoryData<string> TargetsAndMonitoring => [.. Kustomize.Targets, "monitoring"];

    [Theory]
    [MemberData(nameof(TargetsAndMonitoring))]
    public async Task Every_rendered_object_is_valid_against_the_schema_of_its_kind(string target)
    {
        var result = await KubernetesSchema.ValidateAsync(await Kustomize.RenderAsync(target));
        Assert.True(result.ExitCode == 0, $"k8s/{target}:\n{result.StandardOutput}{result.StandardError}");
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("ok ", l, StringComparison.Ordinal));
        Assert.Equal((await Kustomize.RenderAsync(target)).Split("\nkind: ").Length - 1, lines.Length);
    }

    [Theory]
    [InlineData("imagePullPolicy: IfNotPresent", "imagePullPolicy: Sometimes", "imagePullPolicy")]
    [InlineData("protocol: TCP", "protocol: TPC", "protocol")]
    public async Task A_value_the_API_does_not_take_is_refused(string valid, string invalid, string field)
    {
        var yaml = await Kustomize.RenderAsync("overlays/prod");
        Assert.Contains(valid, yaml, StringComparison.Ordinal);
        var result = await KubernetesSchema.ValidateAsync(yaml.Replace(valid, invalid, StringComparison.Ordinal));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("INVALID ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"/{field} must be equal to one of the allowed values", result.StandardOutput, StringComparison.Ordinal);
    }
}
