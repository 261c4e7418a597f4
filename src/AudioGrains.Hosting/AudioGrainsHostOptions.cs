namespace AudioGrains.Hosting;

/// <summary>How the cluster is put together.</summary>
public enum ClusterMode
{
    /// <summary>One process: localhost clustering, memory grain storage, in-memory reminders.</summary>
    Embedded,

    /// <summary>Redis clustering, Redis grain storage, Redis reminders; any number of silos.</summary>
    Redis,
}

/// <summary>Where the blob store is.</summary>
public enum BlobStorage
{
    /// <summary>A folder: local disk (embedded), or a volume every silo mounts (<see cref="AudioGrainsHostOptions.DataDirectory"/>).</summary>
    Folder,

    /// <summary>An S3 bucket (section "AudioGrains:S3"); each silo needs only a private temp folder.</summary>
    S3,
}

/// <summary>Silo settings, bound from configuration section "AudioGrains" and validated at start.</summary>
public sealed record AudioGrainsHostOptions
{
    public const string Section = "AudioGrains";

    public ClusterMode Mode { get; init; } = ClusterMode.Embedded;

    /// <summary>
    /// StackExchange.Redis configuration string (Redis mode): one Redis, "127.0.0.1:6379", or sentinels and the name they
    /// monitor, "10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379,serviceName=audiograins" (docs/redis-sentinel.md).
    /// </summary>
    public string? Redis { get; init; }

    public string ClusterId { get; init; } = "audiograins";

    public string ServiceId { get; init; } = "audiograins";

    /// <summary>Silo-to-silo port; 0 picks a free one.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port; 0 picks a free one.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Address the silo binds to and advertises. Loopback unless a deployment says otherwise.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>Where the blobs are: <see cref="BlobStorage.Folder"/> (<see cref="DataDirectory"/>) or <see cref="BlobStorage.S3"/>.</summary>
    public BlobStorage Storage { get; init; } = BlobStorage.Folder;

    /// <summary>The folder blob store: a local folder, or a volume every silo mounts.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory();

    public static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : xdg;
        return Path.Combine(root, "audiograins");
    }

    public IEnumerable<string> Validate()
    {
        if (Mode == ClusterMode.Redis && string.IsNullOrWhiteSpace(Redis)) yield return "AudioGrains:Redis is required in Redis mode";
        else if (Mode == ClusterMode.Redis)
            foreach (var problem in AudioGrains.Client.RedisConfiguration.Validate(Redis!)) yield return $"AudioGrains:Redis: {problem}";
        if (SiloPort is < 0 or > 65535) yield return $"AudioGrains:SiloPort {SiloPort} is not a port";
        if (GatewayPort is < 0 or > 65535) yield return $"AudioGrains:GatewayPort {GatewayPort} is not a port";
        if (!System.Net.IPAddress.TryParse(Address, out _)) yield return $"AudioGrains:Address \"{Address}\" is not an IP address";
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return "AudioGrains:DataDirectory is required";
        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId)) yield return "AudioGrains:ClusterId and ServiceId are required";
    }
}
