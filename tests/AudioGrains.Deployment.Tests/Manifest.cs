using k8s;
using k8s.Models;

namespace AudioGrains.Deployment.Tests;

/// <summary>One rendered kustomization, every document loaded strictly into its KubernetesClient model.</summary>
public sealed class Manifest
{
    /// <summary>Objects created and managed outside the kustomization, which the rendered objects may refer to.</summary>
    public static readonly IReadOnlySet<string> ProvidedByOperator = new HashSet<string>
    {
        "audiograins-s3",  // prod: the S3 Secret (dev generates one with placeholders)
        "audiograins-api", // optional Secret: API key and callback signing key
    };

    private Manifest(string target, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects)
    {
        Target = target;
        Objects = objects;
    }

    public string Target { get; }

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects { get; }

    public static async Task<Manifest> LoadAsync(string target)
    {
        var yaml = await Kustomize.RenderAsync(target);
        // strict: a field the model does not know (a typo, a wrong indentation) throws.
        var loaded = KubernetesYaml.LoadAllFromString(yaml, strict: true);
        var objects = loaded.Select((o, i) => o as IKubernetesObject<V1ObjectMeta>
            ?? throw new InvalidOperationException($"document {i} of k8s/{target} loaded as {o?.GetType().Name ?? "null"}")).ToList();
        return new Manifest(target, objects);
    }

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta>
    {
        var matches = All<T>().Where(o => o.Metadata.Name == name).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new Xunit.Sdk.XunitException($"k8s/{Target}: expected one {typeof(T).Name} named {name}, found {matches.Count}");
    }

    /// <summary>A generated ConfigMap or Secret, found by the name before kustomize's hash suffix.</summary>
    public T Generated<T>(string name) where T : IKubernetesObject<V1ObjectMeta>
    {
        var matches = All<T>().Where(o => o.Metadata.Name == name || o.Metadata.Name.StartsWith(name + "-", StringComparison.Ordinal)).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new Xunit.Sdk.XunitException($"k8s/{Target}: expected one generated {typeof(T).Name} {name}, found {matches.Count}");
    }

    public V1Deployment Silos => Single<V1Deployment>("audiograins-silo");

    public V1Container SiloContainer => Silos.Spec.Template.Spec.Containers.Single(c => c.Name == "silo");

    public IEnumerable<(string Owner, V1PodTemplateSpec Template)> PodTemplates =>
        All<V1Deployment>().Select(d => ($"Deployment/{d.Metadata.Name}", d.Spec.Template))
            .Concat(All<V1StatefulSet>().Select(s => ($"StatefulSet/{s.Metadata.Name}", s.Spec.Template)));

    public static bool Matches(V1LabelSelector selector, IDictionary<string, string>? labels)
    {
        if (selector.MatchExpressions is { Count: > 0 }) throw new NotSupportedException("matchExpressions are not evaluated by these tests");
        return (selector.MatchLabels ?? new Dictionary<string, string>())
            .All(kv => labels is not null && labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
