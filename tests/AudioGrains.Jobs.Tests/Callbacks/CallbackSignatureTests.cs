using System.Security.Cryptography;
using System.Text;
using AudioGrains.Gateway.Callbacks;

namespace AudioGrains.Jobs.Tests.Callbacks;

public sealed class CallbackSignatureTests
{
    private const string Key = "0123456789abcdef-test-key";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"job-1","status":"completed"}""");

    [Fact]
    public void Is_the_lowercase_hex_HMAC_SHA256_of_the_body()
    {
        var expected = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Body)).ToLowerInvariant();
        var signature = CallbackSignature.Compute(Key, Body);
        Assert.Equal(expected, signature);
        Assert.True(CallbackSignature.Verify(Key, Body, signature));
    }

    [Fact]
    public void A_tampered_body_a_wrong_key_or_a_malformed_header_fails()
    {
        var signature = CallbackSignature.Compute(Key, Body);
        var tampered = (byte[])Body.Clone();
        tampered[^3] ^= 0x01;
        Assert.False(CallbackSignature.Verify(Key, tampered, signature));
        Assert.False(CallbackSignature.Verify(Key + "x", Body, signature));
        Assert.False(CallbackSignature.Verify(Key, Body, null));
        Assert.False(CallbackSignature.Verify(Key, Body, signature["sha256=".Length..]));
        Assert.False(CallbackSignature.Verify(Key, Body, "sha1=" + signature["sha256=".Length..]));
        Assert.False(CallbackSignature.Verify(Key, Body, signature[..^2]));
        Assert.False(CallbackSignature.Verify(Key, Body, signature[..^2] + "zz"));
        Assert.True(CallbackSignature.Verify(Key, Body, "sha256=" + signature["sha256=".Length..].ToUpperInvariant()));
    }
}
