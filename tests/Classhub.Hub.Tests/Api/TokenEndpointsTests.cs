using Classhub.Hub.Api;

namespace Classhub.Hub.Api.Tests;

public sealed class TokenEndpointsTests
{
    [Theory]
    [InlineData(99999999999999L)]
    [InlineData(long.MaxValue)]
    [InlineData(-1L)]
    public void Problem_ExpiresInOutOfRange_NamesTheFieldAndTheRange(long seconds)
    {
        var problem = TokenEndpoints.Problem(new TokenRequest(null, seconds, null));

        Assert.Equal($"expires_in: must be a number of seconds between 1 and {TokenEndpoints.MaxExpiresInSeconds} (10 years), or 0 for a token that does not expire; not {seconds}", problem);
    }

    [Fact]
    public void Problem_LongestLifetime_StillFitsADate()
    {
        Assert.Null(TokenEndpoints.Problem(new TokenRequest(null, TokenEndpoints.MaxExpiresInSeconds, null)));
        Assert.True(DateTimeOffset.MaxValue - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(TokenEndpoints.MaxExpiresInSeconds));
    }

    [Fact]
    public void Problem_NullScope_NamesTheItem()
    {
        Assert.Equal("scopes: item 2 is null; each scope is a name such as \"read:users\" or \"self\"", TokenEndpoints.Problem(new TokenRequest(null, null, ["self", null!])));
        Assert.Equal("scopes: item 1 is empty; each scope is a name such as \"read:users\" or \"self\"", TokenEndpoints.Problem(new TokenRequest(null, null, [" "])));
    }

    [Fact]
    public void Problem_OrdinaryRequest_None()
    {
        Assert.Null(TokenEndpoints.Problem(new TokenRequest("laptop", 3600, ["read:users"])));
        Assert.Null(TokenEndpoints.Problem(new TokenRequest(null, 0, [])));
    }
}
