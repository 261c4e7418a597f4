namespace AudioGrains.Media;

/// <summary>What the encoder can write. See <see cref="OutputFormats"/> for names, extensions and content types.</summary>
public enum OutputFormat
{
    /// <summary>WAV, 32-bit float: the processed samples exactly.</summary>
    Wav,

    /// <summary>WAV, 16-bit integer.</summary>
    WavS16,

    /// <summary>FLAC, 16-bit.</summary>
    Flac,

    /// <summary>Opus in Ogg.</summary>
    Opus,

    /// <summary>Opus in WebM (the HTTP API's default download).</summary>
    WebM,

    /// <summary>MP3 (LAME, 128 kbit/s).</summary>
    Mp3,
}
