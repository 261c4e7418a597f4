using System.Collections;
using System.Reflection;
using AudioGrains.Gateway;
using AudioGrains.Grains;
using AudioGrains.Grains.Faults;
using AudioGrains.Hosting;
using AudioGrains.Media;
using AudioGrains.Storage;
using ClusterMembershipOptions = Orleans.Configuration.ClusterMembershipOptions;

namespace AudioGrains.Deployment.Tests;

/// <summary>
/// Every AudioGrains__* variable the manifests give the silo names a setting the silo reads: configuration binding
/// ignores a name it does not know, so a misspelt one (AudioGrains__Processing__TempDirectry) would silently leave the
/// default in force.
/// </summary>
public sealed class ConfigurationNameTests
{
    /// <summary>The sections the silo binds, and the type each is bound to (AudioGrains:X:Y is property Y of X's type).</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [AudioGrainsHostOptions.Section] = typeof(AudioGrainsHostOptions),
        [ProcessingOptions.Section] = typeof(ProcessingOptions),
        [AudioGrainsSilo.S3Section] = typeof(S3StorageOptions),
        [GatewayOptions.Section] = typeof(GatewayOptions),
        [ManagementOptions.Section] = typeof(ManagementOptions),
        [LoggingOptions.Section] = typeof(LoggingOptions),
        [AudioGrainsServices.FfmpegSection] = typeof(FfmpegOptions),
        [AudioGrainsServices.LimitsSection] = typeof(MediaLimits),
        [FaultOptions.Section] = typeof(FaultOptions),
        ["AudioGrains:Membership"] = typeof(ClusterMembershipOptions),
    };

    /// <summary>Single keys read directly (not bound to an options type).</summary>
    private static readonly HashSet<string> Keys = new(StringComparer.OrdinalIgnoreCase) { KubernetesHosting.EnabledKey, FaultOptions.FileKey };

    [Theory]
    [MemberData(nameof(Kustomize.TargetData), MemberType = typeof(Kustomize))]
    public async Task Every_AudioGrains_variable_of_the_silo_is_a_setting_it_reads(string target)
    {
        var names = (await Manifest.LoadAsync(target)).SiloContainer.Env.Select(e => e.Name)
            .Where(n => n.StartsWith("AudioGrains__", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(IsRead(n), $"{n} is no setting of the silo: configuration binding would ignore it"));
    }

    [Fact]
    public void A_misspelt_or_unknown_name_is_not_a_setting()
    {
        Assert.True(IsRead("AudioGrains__Processing__TempDirectory"));
        Assert.True(IsRead("AudioGrains__Http__ApiKeys__0"));
        Assert.True(IsRead("AudioGrains__Logging__Levels__Orleans"));
        Assert.True(IsRead("AudioGrains__SiloPort"));
        Assert.False(IsRead("AudioGrains__Processing__TempDirectry"));
        Assert.False(IsRead("AudioGrains__Procesing__TempDirectory"));
        Assert.False(IsRead("AudioGrains__Processing"));
        Assert.False(IsRead("AudioGrains__SiloPort__Extra"));
    }

    private static bool IsRead(string variable)
    {
        var key = variable.Replace("__", ":", StringComparison.Ordinal);
        if (Keys.Contains(key)) return true;
        // The longest section the key lies in, then its properties one level at a time.
        var section = Sections.Keys.Where(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Length);
        if (section is null) return false;
        var type = Sections[section];
        foreach (var part in key[(section.Length + 1)..].Split(':'))
        {
            if (type is null) return false;
            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            {
                // A list's index or a dictionary's key: binding takes any, and the element's type goes on.
                type = type.IsArray ? type.GetElementType() : type.GetGenericArguments().LastOrDefault();
                continue;
            }
            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is null && !typeof(IEnumerable).IsAssignableFrom(property.PropertyType)) return false;
            type = property.PropertyType;
        }
        // The key must end on a value (a setting), not on an object with settings of its own.
        return type is not null && (type == typeof(string) || type.IsValueType);
    }
}
