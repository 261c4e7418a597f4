using Microsoft.Extensions.Logging;

namespace AudioGrains.Grains.Tests;

/// <summary>A logger that keeps its events as "Level: message", for tests that assert what was logged and how loudly.</summary>
internal sealed class LineLogger : ILogger
{
    public List<string> Lines { get; } = [];
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Add($"{logLevel}: {formatter(state, exception)}");
}
