using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace AudioGrains.Abstractions;

/// <summary>
/// Lets the product's own exception types cross grain calls between processes with their type, message and inner
/// exception. Orleans serializes only exceptions of the System, Microsoft and Azure namespaces (and generated types);
/// any other thrown by a grain on another silo reaches its caller as a codec error that names neither. Silo and client
/// both call this.
/// </summary>
public static class ExceptionSerialization
{
    public const string Namespace = "AudioGrains";

    public static IServiceCollection AllowAudioGrainsExceptions(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add(Namespace));
}
