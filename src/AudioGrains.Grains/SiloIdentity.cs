namespace AudioGrains.Grains;

/// <summary>How this silo names itself in job reports and logs: its address and process id.</summary>
public sealed record SiloIdentity(string Name);
