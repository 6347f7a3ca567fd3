using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Api;

/// <summary>Reads a JSON request body; null when it is not valid JSON of the expected shape.</summary>
internal static class JsonBody
{
    public static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
