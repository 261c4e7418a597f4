namespace AudioGrains.Grains.Storage;

/// <summary>
/// Where large job data lives (inputs, working PCM, chunk outputs, results). Keys are '/'-separated.
/// Every silo of a cluster must see the same store.
/// </summary>
public interface IBlobStore
{
    /// <summary>A local file path for the key, for tools that need one (ffmpeg).</summary>
    string PathOf(string key);

    /// <summary>A local file path for a tool (ffmpeg) to write the key to; its folder exists.</summary>
    string PathForWriting(string key);

    bool Exists(string key);

    long Length(string key);

    Stream OpenRead(string key);

    /// <summary>Starts writing a blob under a temporary name; it appears under <paramref name="key"/> only on commit.</summary>
    AtomicBlobWrite Create(string key);

    void Delete(string key);

    /// <summary>Deletes every blob whose key starts with <paramref name="prefix"/> + "/".</summary>
    void DeleteTree(string prefix);

    /// <summary>Bytes free where new blobs are written.</summary>
    long AvailableBytes();
}
