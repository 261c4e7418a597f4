using System.Text.Json;
using AudioGrains.Abstractions;

namespace AudioGrains.Cli;

/// <summary>The CLI's JSON contract. Loudness of silence (-infinity) is written as null.</summary>
public static class LoudnessJson
{
    public static void WriteMeasurement(Utf8JsonWriter json, LoudnessReport r)
    {
        json.WriteStartObject();
        Number(json, "duration_s", r.DurationSeconds);
        json.WriteNumber("sample_rate", r.SampleRate);
        json.WriteNumber("channels", r.Channels);
        Number(json, "integrated_lufs", r.IntegratedLufs);
        Number(json, "lra_lu", r.LoudnessRangeLu);
        Number(json, "true_peak_dbtp", r.TruePeakDbtp);
        Number(json, "sample_peak_dbfs", r.SamplePeakDbfs);
        json.WriteEndObject();
    }

    public static string Measurement(LoudnessReport r) => Write(json => WriteMeasurement(json, r));

    public static string Normalization(JobReport report, NormalizeOptions options, double elapsedSeconds) => Write(json =>
    {
        json.WriteStartObject();
        WriteNormalizationFields(json, report, options, elapsedSeconds);
        json.WriteEndObject();
    });

    /// <summary>
    /// One input of a batch, one line: `input_file`, `output_file`, `status` (completed or failed), then the single
    /// report's fields, or for a failure `error_code`, `error_message` and `elapsed_s` (`output_file` is null: none is written).
    /// </summary>
    public static string BatchLine(BatchResult result) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("input_file", result.Input);
        if (result.Completed is { } completed)
        {
            json.WriteString("output_file", result.Output);
            json.WriteString("status", "completed");
            WriteNormalizationFields(json, completed.Report!, completed.Options!, result.ElapsedSeconds);
        }
        else
        {
            json.WriteNull("output_file");
            json.WriteString("status", "failed");
            json.WriteString("error_code", result.ErrorCode);
            json.WriteString("error_message", result.ErrorMessage);
            Number(json, "elapsed_s", result.ElapsedSeconds);
        }
        json.WriteEndObject();
    });

    private static void WriteNormalizationFields(Utf8JsonWriter json, JobReport report, NormalizeOptions options, double elapsedSeconds)
    {
        json.WritePropertyName("input");
        WriteMeasurement(json, report.Input);
        json.WritePropertyName("output");
        WriteMeasurement(json, report.Output);
        Number(json, "gain_db", report.GainDb);
        json.WriteBoolean("peak_limited", report.PeakLimited);
        json.WriteNumber("chunks", report.Chunks);
        Number(json, "elapsed_s", elapsedSeconds);
        json.WritePropertyName("applied");
        json.WriteStartObject();
        json.WriteString("denoise", options.Denoise.ToString().ToLowerInvariant());
        // The gate's settings; the speech estimator has its own defaults (SpeechEnhancerOptions) and takes none of these.
        if (options.Denoise is NoiseReduction.Stationary or NoiseReduction.NonStationary)
        {
            Number(json, "denoise_strength", options.DenoiseStrength);
            Number(json, "denoise_threshold_std", options.DenoiseThresholdStd);
            Number(json, "denoise_freq_smooth_hz", options.DenoiseFreqSmoothHz);
            Number(json, "denoise_time_smooth_ms", options.DenoiseTimeSmoothMs);
        }
        if (options.HighPassHz is { } hz) Number(json, "highpass_hz", hz); else json.WriteNull("highpass_hz");
        json.WriteBoolean("isolate_voice", options.IsolateVoice);
        json.WriteBoolean("normalize_volume", options.NormalizeVolume);
        Number(json, "target_lufs", options.TargetLufs);
        Number(json, "true_peak_ceiling_dbtp", options.TruePeakCeilingDbtp);
        json.WriteString("format", options.OutputFormat);
        json.WriteEndObject();
        json.WritePropertyName("steps_s");
        json.WriteStartObject();
        foreach (var (step, seconds) in report.StepSeconds) Number(json, step, seconds);
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, Math.Round(value, 4));
        else json.WriteNull(name);
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer)) body(json);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
