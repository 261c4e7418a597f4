using System.CommandLine;
using AudioGrains.Abstractions;
using AudioGrains.Cli;

var root = new RootCommand("AudioGrains: clean, loudness-normalized audio for speech pipelines")
{
    NormalizeCommand.Create(),
    MeasureCommand.Create(),
    SiloCommand.Create(),
    ClusterCommands.Submit(),
    ClusterCommands.Status(),
    ClusterCommands.Download(),
    ClusterCommands.Cancel(),
    ClusterCommands.Retry(),
};
var parse = root.Parse(args);
// The error contract, not System.CommandLine's usage text on standard output (which --json reserves for JSON).
if (parse.Errors.Count > 0)
{
    var command = parse.CommandResult.Command == root ? "" : $" {parse.CommandResult.Command.Name}";
    return CliFailure.Report(new AudioGrainsException(ErrorCodes.InvalidOptions,
        $"{string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (see audiograins{command} --help)"));
}
return await parse.InvokeAsync();
