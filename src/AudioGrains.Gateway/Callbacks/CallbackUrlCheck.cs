using AudioGrains.Abstractions;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>What <see cref="CallbackUrlPolicy"/> decided: the URL to keep, or why it is refused.</summary>
public sealed record CallbackUrlCheck
{
    /// <summary>The URL as parsed, when allowed.</summary>
    public Uri? Url { get; init; }

    /// <summary>Why the URL is refused, for the caller to read (null: allowed).</summary>
    public string? Refusal { get; init; }

    public bool IsAllowed => Refusal is null;

    /// <summary>The error code of a refusal (the request's options are wrong).</summary>
    public string ErrorCode => ErrorCodes.InvalidOptions;

    public static CallbackUrlCheck Allowed(Uri url) => new() { Url = url };

    public static CallbackUrlCheck Refused(string reason) => new() { Refusal = reason };
}
