using Microsoft.Extensions.Options;

namespace AudioGrains.Grains;

/// <summary>An options validator from the rules an options type states itself (a list of what is wrong).</summary>
public sealed class OptionsRules<T>(Func<T, IEnumerable<string>> rules) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = rules(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
