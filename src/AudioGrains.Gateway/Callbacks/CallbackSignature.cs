using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace AudioGrains.Gateway.Callbacks;

/// <summary>
/// The signature of a callback: HMAC-SHA256 over the exact body bytes with the key AudioGrains:Http:CallbackSigningKey
/// (its UTF-8 bytes), sent as <c>X-AudioGrains-Signature: sha256=&lt;lowercase hex&gt;</c>. A receiver verifies
/// with the same key, over the body as received, before parsing it.
/// </summary>
public static class CallbackSignature
{
    public const string Prefix = "sha256=";

    public static string Compute(string key, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    /// <summary>Whether <paramref name="header"/> is the signature of <paramref name="body"/> under <paramref name="key"/>; compared in constant time.</summary>
    public static bool Verify(string key, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hex = header.AsSpan(Prefix.Length);
        if (hex.Length != 2 * given.Length || Convert.FromHexString(hex, given, out _, out _) != OperationStatus.Done) return false;
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
