using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Classhub.Acme.Protocol;

internal static class AcmeJson
{
    public static AcmeProblemDocument? TryParseProblem(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, AcmeJsonContext.Default.AcmeProblemDocument);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Describe(AcmeProblemDocument? document)
    {
        if (document is null)
        {
            return null;
        }
        var detail = document.Detail ?? document.Type;
        if (document.Subproblems is { Count: > 0 } subproblems)
        {
            detail += " [" + string.Join("; ", subproblems.Select(Describe)) + "]";
        }
        return detail;
    }

    public static AcmeResult<T> Parse<T>(byte[] body, JsonTypeInfo<T> type, string doing)
    {
        try
        {
            var value = JsonSerializer.Deserialize(body, type);
            return value is null ? Unexpected(doing, "the response body is empty") : AcmeResult<T>.Success(value);
        }
        catch (JsonException e)
        {
            return Unexpected(doing, "the response is not the expected JSON: " + e.Message);
        }
    }

    public static AcmeProblem Unexpected(string doing, string detail) => new(AcmeProblemTypes.UnexpectedResponse, detail, doing);
}
