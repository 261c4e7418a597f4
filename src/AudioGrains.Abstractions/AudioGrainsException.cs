namespace AudioGrains.Abstractions;

/// <summary>A failure with a stable code (see <see cref="ErrorCodes"/>) and a message fit for a user.</summary>
public sealed class AudioGrainsException : Exception
{
    public AudioGrainsException(string code, string message, Exception? inner = null) : base(message, inner)
    {
        Code = code;
    }

    public string Code { get; }

    public bool IsPermanent => ErrorCodes.IsPermanent(Code);
}
