using AudioGrains.Abstractions;
using AudioGrains.Grains.Chunks;
using AudioGrains.Grains.Faults;
using AudioGrains.Grains.Jobs;
using AudioGrains.Grains.Jobs.Phases;
using AudioGrains.Grains.Storage;
using AudioGrains.Storage;
using AudioGrains.Media;
using AudioGrains.Grains.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AudioGrains.Grains;

/// <summary>
/// The services a silo runs jobs with, and the options they read: each bound from its configuration section, with its
/// defaults in its own type, checked when the host starts (ValidateOnStart).
/// </summary>
public static class AudioGrainsServices
{
    public const string FfmpegSection = "AudioGrains:Ffmpeg";
    public const string LimitsSection = "AudioGrains:Limits";

    /// <summary>ffprobe and ffmpeg: probe, decode, encode, segment joining; options "AudioGrains:Ffmpeg" and "AudioGrains:Limits".</summary>
    public static IServiceCollection AddAudioGrainsMedia(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<FfmpegOptions>(configuration, FfmpegSection, o => RulesOf(() => o.Validated()));
        services.AddValidatedOptions<MediaLimits>(configuration, LimitsSection, o => RulesOf(() => o.Validated()));
        services.TryAddSingleton(sp => new MediaProbe(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        services.TryAddSingleton(sp => new PcmDecoder(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value, sp.GetRequiredService<IOptions<MediaLimits>>().Value));
        services.TryAddSingleton(sp => new PcmEncoder(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        services.TryAddSingleton(sp => new SegmentedOpusOutput(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        return services;
    }

    /// <summary>The job and chunk grains' services over a blob store in <paramref name="dataDirectory"/>; options "AudioGrains:Processing".</summary>
    public static IServiceCollection AddAudioGrainsJobs(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddAudioGrainsMedia(configuration);
        services.AddValidatedOptions<ProcessingOptions>(configuration, ProcessingOptions.Section, o => o.Validate());
        services.TryAddSingleton<IBlobStore>(new FileSystemBlobStore(dataDirectory));
        services.TryAddSingleton<BlobStaging>();
        services.TryAddSingleton<CpuWorkLimiter>();
        services.TryAddSingleton<ChunkActivity>();
        services.TryAddSingleton<WorkRunner>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkMetrics>();
        services.TryAddSingleton<JobMetrics>();
        services.AddSingleton<IJobObserver>(sp => sp.GetRequiredService<JobMetrics>());
        // Injected chunk faults (a test and chaos facility): none unless "AudioGrains:Faults" names some.
        services.AddValidatedOptions<FaultOptions>(configuration, FaultOptions.Section, o => o.Validate());
        services.TryAddSingleton<IWorkInterceptor, ChunkFaultInjector>();
        // Observers are added (AddSingleton<IJobObserver>) by whoever listens; the job tells them all through this.
        services.TryAddSingleton<JobObservers>();
        services.TryAddSingleton<InputIngestor>();
        services.TryAddSingleton<FanOut>();
        services.AddSingleton<IJobPhase, ProbePhase>();
        services.AddSingleton<IJobPhase, DecodePhase>();
        services.AddSingleton<IJobPhase, AnalyzePhase>();
        services.AddSingleton<IJobPhase, ProcessPhase>();
        services.AddSingleton<IJobPhase, EncodePhase>();
        services.AddSingleton<IJobPhase, AssemblePhase>();
        // A cancelled chunk or segment call completes only once its grain has seen the cancellation, so a cancelled
        // pass knows its work has stopped before the job deletes what that work wrote.
        services.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.WaitForCancellationAcknowledgement = true);
        // Jobs of a silo declared dead resume at once, not at their next reminder tick.
        services.AddHostedService<Registry.DeadSiloRecovery>();
        services.TryAddSingleton(sp => new SiloIdentity(
            $"{sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()}/pid-{Environment.ProcessId}"));
        return services;
    }

    /// <summary>Options of <typeparamref name="T"/> bound from <paramref name="section"/> and refused at start when a rule fails.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<T, IEnumerable<string>> rules) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new OptionsRules<T>(rules));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    private static IEnumerable<string> RulesOf(Action validate)
    {
        try
        {
            validate();
        }
        catch (AudioGrainsException e)
        {
            return [e.Message];
        }
        return [];
    }
}
