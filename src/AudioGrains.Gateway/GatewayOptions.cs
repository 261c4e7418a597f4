namespace AudioGrains.Gateway;

/// <summary>The HTTP API's settings, section "AudioGrains:Http"; defaults here, checked at start.</summary>
public sealed record GatewayOptions
{
    public const string Section = "AudioGrains:Http";

    /// <summary>Port of the HTTP API on the silo's address; 0: the API is off.</summary>
    public int Port { get; init; }

    /// <summary>Largest upload accepted, bytes (413 as soon as a request passes it).</summary>
    public long MaxUploadBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>API keys accepted in X-API-Key. Empty: the API is open to anyone who can reach it.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Requests one client (API key, else remote address) may make per <see cref="RateLimitWindow"/>.</summary>
    public int RateLimitPermits { get; init; } = 120;

    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Submissions one client may have waiting for a rate-limit permit (0: refuse at once).</summary>
    public int RateLimitQueue { get; init; }

    /// <summary>Jobs running across the cluster above which new submissions are refused with 503.</summary>
    public int MaxActiveJobs { get; init; } = 64;

    /// <summary>Largest page of GET /jobs.</summary>
    public int MaxListLimit { get; init; } = 1000;

    /// <summary>Callbacks may go to loopback, link-local and private addresses (off: refused, so a request cannot reach the cluster's own network).</summary>
    public bool AllowPrivateCallbacks { get; init; }

    /// <summary>
    /// Key of the HMAC-SHA256 signature over each callback body (header X-AudioGrains-Signature), at least 16 characters;
    /// receivers verify with the same key. Empty: callbacks are off and a callback_url is refused (a key made at start
    /// would differ per silo and be unknown to every receiver, so its signatures could not be checked).
    /// </summary>
    public string CallbackSigningKey { get; init; } = "";

    /// <summary>Tries of one callback delivery, the first included (connection errors, timeouts, 5xx and 429 are tried again).</summary>
    public int CallbackMaxAttempts { get; init; } = 8;

    /// <summary>Wait before the second try; it doubles for each further one (times a jitter of 0.5-1), up to <see cref="CallbackRetryMaxDelay"/>: 8 tries span 5 to 10 minutes.</summary>
    public TimeSpan CallbackRetryBaseDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between tries, also the cap on a receiver's Retry-After.</summary>
    public TimeSpan CallbackRetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time one callback request may take, connection included.</summary>
    public TimeSpan CallbackTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Validate()
    {
        if (Port is < 0 or > 65535) yield return $"AudioGrains:Http:Port {Port} is not a port";
        if (MaxUploadBytes < 1) yield return "AudioGrains:Http:MaxUploadBytes must be positive";
        if (RateLimitPermits < 1) yield return "AudioGrains:Http:RateLimitPermits must be at least 1";
        if (RateLimitWindow <= TimeSpan.Zero) yield return "AudioGrains:Http:RateLimitWindow must be positive";
        if (RateLimitQueue < 0) yield return "AudioGrains:Http:RateLimitQueue must not be negative";
        if (MaxActiveJobs < 1) yield return "AudioGrains:Http:MaxActiveJobs must be at least 1";
        if (MaxListLimit < 1) yield return "AudioGrains:Http:MaxListLimit must be at least 1";
        if (ApiKeys.Any(string.IsNullOrWhiteSpace)) yield return "AudioGrains:Http:ApiKeys must not hold empty keys";
        if (CallbackSigningKey.Length is > 0 and < 16) yield return "AudioGrains:Http:CallbackSigningKey must be empty (no callbacks) or at least 16 characters";
        if (CallbackMaxAttempts < 1) yield return "AudioGrains:Http:CallbackMaxAttempts must be at least 1";
        if (CallbackRetryBaseDelay <= TimeSpan.Zero) yield return "AudioGrains:Http:CallbackRetryBaseDelay must be positive";
        if (CallbackRetryMaxDelay < CallbackRetryBaseDelay) yield return "AudioGrains:Http:CallbackRetryMaxDelay must not be below CallbackRetryBaseDelay";
        if (CallbackTimeout <= TimeSpan.Zero) yield return "AudioGrains:Http:CallbackTimeout must be positive";
    }
}
