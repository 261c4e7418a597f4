namespace AudioGrains.Media.Tests;

public sealed class PcmInputPipeTests
{
    [Fact]
    public async Task The_socket_is_removed_when_disposed_even_if_nobody_connected()
    {
        var pipe = new PcmInputPipe();
        pipe.Open();
        var socket = pipe.Argument.PipePath["unix:".Length..];
        Assert.True(File.Exists(socket), $"no socket at {socket}");
        pipe.Serve(new TaskCompletionSource().Task); // an ffmpeg that never exits

        await pipe.DisposeAsync();

        Assert.False(File.Exists(socket), $"{socket} is still there");
    }

    [Fact]
    public async Task Waiting_for_a_connection_ends_when_ffmpeg_exits_without_one()
    {
        await using var pipe = new PcmInputPipe();
        pipe.Open();
        var exited = new TaskCompletionSource();
        pipe.Serve(exited.Task);

        var connecting = pipe.ConnectedAsync(CancellationToken.None);
        exited.SetResult();

        await Assert.ThrowsAsync<IOException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
