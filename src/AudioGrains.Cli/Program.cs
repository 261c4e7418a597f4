using System.CommandLine;
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
return await root.Parse(args).InvokeAsync();
