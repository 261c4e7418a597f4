using AudioGrains.Abstractions;
using Spectre.Console;

namespace AudioGrains.Cli;

/// <summary>
/// One progress display for a whole batch (Spectre.Console, on standard error, as the single-file display): one bar
/// over all inputs, each counting its own job's progress, and how many are done and failed.
/// </summary>
public sealed class BatchProgress(int count)
{
    private readonly double[] _percent = new double[count];
    private int _done;
    private int _failed;

    public IProgress<JobStatus> For(int index) => new Reporter(this, index);

    public void Finished(int index, bool failed)
    {
        _percent[index] = 100;
        Interlocked.Increment(ref _done);
        if (failed) Interlocked.Increment(ref _failed);
    }

    /// <summary>Draws the display until <paramref name="work"/> ends, then clears it.</summary>
    public async Task ShowUntilAsync(Task work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask(Describe(), maxValue: 100.0 * count);
            while (!work.IsCompleted)
            {
                Refresh(task);
                await Task.WhenAny(work, Task.Delay(100));
            }
            Refresh(task);
        });
        await work;
    }

    private void Refresh(ProgressTask task)
    {
        task.Value = _percent.Sum();   // a display: a torn read is impossible (aligned doubles) and a stale one harmless
        task.Description = Describe();
    }

    private string Describe()
    {
        var failed = Volatile.Read(ref _failed);
        return $"normalizing: {Volatile.Read(ref _done)}/{count} done{(failed > 0 ? $", {failed} failed" : "")}";
    }

    /// <summary>Reports synchronously (no SynchronizationContext hop): a status only sets a number.</summary>
    private sealed class Reporter(BatchProgress owner, int index) : IProgress<JobStatus>
    {
        public void Report(JobStatus value) => owner._percent[index] = Math.Min(value.Progress, 100);
    }
}
