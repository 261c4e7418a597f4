namespace AudioGrains.Gateway.Callbacks;

/// <summary>The headers of a callback request, besides Content-Type: application/json.</summary>
public static class CallbackHeaders
{
    /// <summary>"sha256=" and the lowercase hex HMAC-SHA256 of the body under the cluster's key (<see cref="CallbackSignature"/>).</summary>
    public const string Signature = "X-AudioGrains-Signature";

    /// <summary>The job's id.</summary>
    public const string Job = "X-AudioGrains-Job";

    /// <summary>One id per outcome delivered, the same on every try: a receiver that sees it twice has the same news twice.</summary>
    public const string Delivery = "X-AudioGrains-Delivery";

    /// <summary>Which try this is, from 1.</summary>
    public const string Attempt = "X-AudioGrains-Attempt";
}
