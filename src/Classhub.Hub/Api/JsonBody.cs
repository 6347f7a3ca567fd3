using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Api;

/// <summary>
/// Reads a JSON request body: the value, or a one-line problem that names the field and what it must be
/// (<c>expires_in: must be a whole number</c>), taken from the wire type's own (source-generated) metadata.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, string? Problem)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
            return value is null ? (null, "the body must be a JSON object, not null") : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Describe(e, type));
        }
    }

    /// <summary>What was wrong, naming the field when the error is inside one.</summary>
    internal static string Describe(JsonException e, JsonTypeInfo type)
    {
        var field = FieldOf(e.Path);
        if (field is not null && type.Properties.FirstOrDefault(p => p.Name == field) is { } property)
        {
            return $"{field}: must be {Expected(property.PropertyType)}";
        }

        return e.Path is null or "$" && e.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"the body is not valid JSON (line {line + 1}, byte {e.BytePositionInLine ?? 0}); send a JSON object")
            : "the body is not the JSON object this endpoint takes (too deeply nested, or of the wrong shape)";
    }

    /// <summary>"expires_in" for "$.expires_in" or "$.scopes[0]" → "scopes"; null at the top.</summary>
    private static string? FieldOf(string? path)
    {
        if (path is not { Length: > 2 } || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[2..];
        var end = rest.IndexOfAny(['.', '[']);
        return end < 0 ? rest : rest[..end];
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date like \"2026-01-01T00:00:00Z\"",
            _ when typeof(IEnumerable<string>).IsAssignableFrom(type) => "a list of strings like [\"a\", \"b\"]",
            _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) => "an object like {\"name\": {...}}",
            _ => "an object",
        };
    }
}
