using System.CommandLine;
using AudioGrains.Cli;

var root = new RootCommand("AudioGrains: clean, loudness-normalized audio for speech pipelines")
{
    NormalizeCommand.Create(),
    MeasureCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
