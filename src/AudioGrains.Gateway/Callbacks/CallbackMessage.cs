namespace AudioGrains.Gateway.Callbacks;

/// <summary>One outcome of a job to deliver: fixed when the job ends, so every try sends the same bytes.</summary>
[GenerateSerializer, Immutable]
public sealed record CallbackMessage
{
    [Id(0)] public required string JobId { get; init; }

    /// <summary>Sent in <see cref="CallbackHeaders.Delivery"/>.</summary>
    [Id(1)] public required string DeliveryId { get; init; }

    [Id(2)] public required string Url { get; init; }

    /// <summary>The job's JSON (<see cref="JobDocument"/>) as UTF-8, exactly the bytes signed and sent.</summary>
    [Id(3)] public required byte[] Body { get; init; }
}
