namespace AudioGrains.Gateway.Tests;

/// <summary>
/// A gateway as an operator would harden it: API keys, a short time to live (3 s, so expiry is seen in a test),
/// callbacks allowed to loopback (the test's receiver), and a small per-client submission rate.
/// </summary>
public sealed class ConfiguredGatewaySilo : GatewaySilo
{
    public const string Key = "key-for-the-tests";
    public const string OtherKey = "key-for-the-rate-limit";
    public const int SubmissionsPerMinute = 12;

    protected override string[] Configuration =>
    [
        $"--AudioGrains:Http:ApiKeys:0={Key}",
        $"--AudioGrains:Http:ApiKeys:1={OtherKey}",
        "--AudioGrains:Processing:ResultTtl=00:00:03",
        "--AudioGrains:Http:AllowPrivateCallbacks=true",
        $"--AudioGrains:Http:RateLimitPermits={SubmissionsPerMinute}",
        // Short tries so a test sees a retry in seconds.
        "--AudioGrains:Http:CallbackRetryBaseDelay=00:00:00.500",
    ];
}
