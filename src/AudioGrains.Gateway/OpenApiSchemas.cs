using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AudioGrains.Gateway;

/// <summary>
/// Makes the OpenAPI document say what the API does, so a client generated from it works: the job JSON's properties
/// under the snake_case names the API writes (<see cref="JobDocument.Json"/>; the generator would otherwise use
/// ASP.NET Core's camelCase defaults), its numbers as numbers (never written as strings), and the submission form's
/// parts — the file and the string fields — which POST /jobs reads itself rather than through model binding.
/// </summary>
public sealed class OpenApiSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(JobForm)) DescribeForm(schema);
        else if (type.Namespace == typeof(JobDocument).Namespace && schema.Properties is { Count: > 0 }) AsWritten(schema);
        return Task.CompletedTask;
    }

    private static void AsWritten(OpenApiSchema schema)
    {
        var properties = schema.Properties!.ToList();
        schema.Properties!.Clear();
        foreach (var (name, property) in properties)
        {
            if (property is OpenApiSchema { Type: { } t } inline && t.HasFlag(JsonSchemaType.String) && (t.HasFlag(JsonSchemaType.Integer) || t.HasFlag(JsonSchemaType.Number)))
            {
                inline.Type = t & ~JsonSchemaType.String;
                inline.Pattern = null;
            }
            schema.Properties[SnakeCase(name)] = property;
        }
        if (schema.Required is { Count: > 0 } required)
            schema.Required = new HashSet<string>(required.Select(SnakeCase));
    }

    private static void DescribeForm(OpenApiSchema schema)
    {
        schema.Type = JsonSchemaType.Object;
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "the audio or video file; its name is kept for the download" },
        };
        foreach (var field in JobForm.Fields.Order())
            schema.Properties[field] = new OpenApiSchema { Type = JsonSchemaType.String, Description = FieldDescription(field) };
        schema.Required = new HashSet<string> { "file" };
    }

    private static string FieldDescription(string field) => field switch
    {
        "target_lufs" => "integrated loudness to reach, LUFS (-70 to -5; default -23)",
        "true_peak" => "true-peak ceiling, dBTP (-20 to 0; default -1)",
        "output_format" => "wav, wav16, flac, opus, webm or mp3 (default webm)",
        "denoise" => "off, stationary, nonstationary or speech",
        "callback_url" => "http(s) URL that gets the job's JSON, signed, when it completes or fails",
        _ => "a flag: true/1/yes/on, or false/0/no/off/empty",
    };

    private static string SnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
