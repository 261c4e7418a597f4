using System.Text.Json;

namespace AudioGrains.Gateway.Tests;

/// <summary>Polls GET /jobs/{id} until the job leaves queued and processing (or the time is up) and returns its document.</summary>
public static class JobPolling
{
    public static async Task<JsonElement> WaitEndedAsync(HttpClient http, string id, TimeSpan? timeout = null, Action<HttpRequestMessage>? sign = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(1));
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{id}");
            sign?.Invoke(request);
            using var poll = await http.SendAsync(request);
            var job = JsonDocument.Parse(await poll.Content.ReadAsStringAsync()).RootElement.Clone();
            if (job.GetProperty("status").GetString() is not ("queued" or "processing") || DateTime.UtcNow > deadline) return job;
            await Task.Delay(200);
        }
    }
}
