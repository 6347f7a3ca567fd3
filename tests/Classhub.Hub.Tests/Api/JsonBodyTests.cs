using System.Text.Json;
using Classhub.Hub.Api;

namespace Classhub.Hub.Api.Tests;

public sealed class JsonBodyTests
{
    [Theory]
    [InlineData("""{"expires_in": "soon"}""", "expires_in: must be a whole number")]
    [InlineData("""{"expires_in": 1e400}""", "expires_in: must be a whole number")]
    [InlineData("""{"expires_in": 99999999999999999999}""", "expires_in: must be a whole number")]
    [InlineData("""{"note": 5}""", "note: must be a string")]
    [InlineData("""{"scopes": "read:users"}""", "scopes: must be a list of strings like [\"a\", \"b\"]")]
    [InlineData("""{"scopes": [1]}""", "scopes: must be a list of strings like [\"a\", \"b\"]")]
    public void Describe_WrongTypeInAField_NamesTheFieldAndWhatItMustBe(string body, string expected)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(body, HubJsonContext.Default.TokenRequest));

        Assert.Equal(expected, JsonBody.Describe(e, HubJsonContext.Default.TokenRequest));
    }

    [Fact]
    public void Describe_DateField_SaysTheFormat()
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"last_activity": "yesterday"}""", HubJsonContext.Default.ActivityRequest));

        Assert.Equal("last_activity: must be a date like \"2026-01-01T00:00:00Z\"", JsonBody.Describe(e, HubJsonContext.Default.ActivityRequest));
    }

    [Theory]
    [InlineData("{", "the body is not valid JSON")]
    [InlineData("[1, 2]", "the body is not")]
    public void Describe_NotAnObject_SaysSo(string body, string expected)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(body, HubJsonContext.Default.TokenRequest));

        Assert.StartsWith(expected, JsonBody.Describe(e, HubJsonContext.Default.TokenRequest), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_DeeplyNested_SaysSoWithoutAField()
    {
        var body = "{\"scopes\": " + new string('[', 100) + new string(']', 100) + "}";
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(body, HubJsonContext.Default.TokenRequest));

        Assert.StartsWith("scopes: must be", JsonBody.Describe(e, HubJsonContext.Default.TokenRequest), StringComparison.Ordinal);
    }
}
