using Microsoft.Extensions.Primitives;

namespace Classhub.Proxy.Forwarding.Tests;

public sealed class HubCredentialsTests
{
    private const string Prefix = "classhub-";

    [Theory]
    [InlineData("_xsrf=abc; classhub-session=secret; jupyterhub-user-alice=xyz", "_xsrf=abc; jupyterhub-user-alice=xyz")]
    [InlineData("classhub-session=secret", "")]
    [InlineData("classhub-csrf=c; CLASSHUB-SESSION=s; Classhub-Anything=x; a=1", "a=1")]
    [InlineData("  a=1 ;classhub-session=secret;;   b=2  ;", "a=1; b=2")]
    [InlineData("a=1, classhub-session=hidden-after-a-comma; b=2", "b=2")]
    [InlineData("xclasshub-session=b; note=classhub-session=x", "xclasshub-session=b; note=classhub-session=x")]
    [InlineData("flag; classhub-session", "flag")]
    public void WithoutHubCookies_RemovesEveryCookieNamedWithThePrefix(string header, string kept)
    {
        Assert.True(HubCredentials.MayHaveHubCookie(header, Prefix));
        Assert.Equal(kept, HubCredentials.WithoutHubCookies(header, Prefix));
    }

    [Fact]
    public void WithoutHubCookies_SeveralHeaders_FiltersEachAndJoins()
    {
        Assert.Equal("a=1; b=2", HubCredentials.WithoutHubCookies(new StringValues(["a=1; classhub-session=s1", "classhub-csrf=s2", "b=2"]), Prefix));
    }

    [Theory]
    [InlineData("")]
    [InlineData("_xsrf=abc; jupyterhub-user-alice=xyz")]
    public void MayHaveHubCookie_NoPrefixAnywhere_IsFalse(string header)
    {
        Assert.False(HubCredentials.MayHaveHubCookie(header, Prefix));
        Assert.False(HubCredentials.MayHaveHubCookie(StringValues.Empty, Prefix));
    }

    [Theory]
    [InlineData("?token=x", true)]
    [InlineData("token=x", true)]
    [InlineData("?a=1&Token=x", true)]
    [InlineData("?a=1&%74%6F%6B%65%6E=x", true)]
    [InlineData("?tok%65n", true)]
    [InlineData("?a=token&b=%74oken", false)]
    [InlineData("?tokens=1&my_token=2&token_x=3", false)]
    [InlineData("?to+ken=1", false)]
    [InlineData("??token=1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void HasToken_ReadsNamesAsTheHubDoes(string? query, bool expected)
    {
        Assert.Equal(expected, HubCredentials.HasToken(query));
    }

    [Theory]
    [InlineData("?token=x", "")]
    [InlineData("?a=1&token=x&b=%20&TOKEN=y", "?a=1&b=%20")]
    [InlineData("?token=x&&a", "?a")]
    public void WithoutToken_KeepsTheOtherParametersAsWritten(string query, string expected)
    {
        Assert.Equal(expected, HubCredentials.WithoutToken(query).ToString());
    }

    [Fact]
    public void Checks_OnARequestWithNothingToStrip_AllocateNothing()
    {
        StringValues cookies = "_xsrf=2|abcdef; jupyterhub-user-alice=0123456789abcdef; jupyterhub-session-id=42";
        const string query = "?path=notebooks%2Fweek%201.ipynb&type=notebook&content=1";
        HubCredentials.MayHaveHubCookie(cookies, Prefix);
        HubCredentials.HasToken(query);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = HubCredentials.MayHaveHubCookie(cookies, Prefix) | HubCredentials.HasToken(query);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(found);
        Assert.Equal(0, allocated);
    }
}
