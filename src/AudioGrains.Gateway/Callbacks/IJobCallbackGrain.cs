namespace AudioGrains.Gateway.Callbacks;

/// <summary>The delivery of one job's completion callback, keyed by the job's id.</summary>
public interface IJobCallbackGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts delivering the job's outcome if it has completed or failed, has a callback URL, and this outcome was not
    /// taken up before. Idempotent: a repeat changes nothing. Returns once the delivery is recorded, before any try.
    /// </summary>
    Task RequestAsync();

    Task<CallbackDelivery> GetDeliveryAsync();

    /// <summary>
    /// Stops a pending delivery and deletes the saved message (it holds the job's JSON: file name, sizes, loudness,
    /// the URL): the job was deleted, or its expired record forgotten. Idempotent.
    /// </summary>
    Task ForgetAsync();
}
