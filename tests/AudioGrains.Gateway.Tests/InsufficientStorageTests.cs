using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioGrains.Testing;

namespace AudioGrains.Gateway.Tests;

/// <summary>Storage short of room: a submission is refused with 507 insufficient-disk, and nothing of it is kept.</summary>
public sealed class InsufficientStorageTests(InsufficientStorageTests.Silo cluster) : IClassFixture<InsufficientStorageTests.Silo>
{
    /// <summary>A silo that asks for more free space than any disk has (an exabyte), so every upload finds storage short.</summary>
    public sealed class Silo : GatewaySilo
    {
        protected override string[] Configuration => ["--AudioGrains:Processing:MinFreeBytes=1152921504606846976"];
    }

    [Fact]
    public async Task An_upload_into_full_storage_gets_507_and_leaves_nothing()
    {
        var input = await TestAudio.ToneAsync(cluster.Dir.File("full.wav"), 2, 440, 0.1, 16000);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(input)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "file", "full.wav" },
        };
        using var response = await cluster.Http.PostAsync("/jobs", form);
        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("insufficient-disk", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
        Assert.Empty(cluster.StoredFiles("uploads"));
        Assert.Empty(cluster.StoredFiles("jobs"));
    }
}
