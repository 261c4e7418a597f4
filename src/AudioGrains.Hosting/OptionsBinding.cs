using Microsoft.Extensions.Configuration;

namespace AudioGrains.Hosting;

/// <summary>
/// Binds options that are needed before the container exists (the host's own: ports, clustering) and refuses to start
/// on an invalid value. Every other options type is bound through the container (AddValidatedOptions).
/// </summary>
public static class OptionsBinding
{
    public static T Bind<T>(IConfiguration configuration, string section, Func<T, IEnumerable<string>> validate) where T : new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        var errors = validate(options).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException($"invalid configuration in \"{section}\": {string.Join("; ", errors)}");
        return options;
    }
}
