namespace AudioGrains.Abstractions;

/// <summary>
/// A failure with a stable code (see <see cref="ErrorCodes"/>) and a message fit for a user. Serializable by Orleans,
/// code included, so a client sees the code a silo threw.
/// </summary>
[GenerateSerializer]
public sealed class AudioGrainsException : Exception
{
    public AudioGrainsException(string code, string message, Exception? inner = null) : base(message, inner)
    {
        Code = code;
    }

    [Id(0)]
    public string Code { get; private set; }

    public bool IsPermanent => ErrorCodes.IsPermanent(Code);
}
