namespace Classhub.Hub.Pages.Tests;

public sealed class LocalRedirectTests
{
    private const string Fallback = "/hub/home";

    [Theory]
    [InlineData("/user/x/tree")]
    [InlineData("/hub/admin")]
    [InlineData("/user/alice/notebooks/a%20b.ipynb?kernel=python3#cell-3")]
    [InlineData("/")]
    public void Safe_LocalPath_IsKept(string next)
    {
        Assert.Equal(next, LocalRedirect.Safe(next));
    }

    [Theory]
    [InlineData("//evil.com")]
    [InlineData("//evil.com/user/x")]
    [InlineData("/\\evil.com")]
    [InlineData("/\\/evil.com")]
    [InlineData("/user\\..\\..\\evil")]
    [InlineData("https://evil.com")]
    [InlineData("http:/evil.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.com")]
    [InlineData("user/x/tree")]
    [InlineData("/\t/evil.com")]
    [InlineData("/\r\nSet-Cookie: x=1")]
    [InlineData("/user/x\u0000")]
    [InlineData("/\u007f/evil.com")]
    [InlineData("")]
    [InlineData(null)]
    public void Safe_ExternalOrMalformed_ReturnsFallback(string? next)
    {
        Assert.Equal(Fallback, LocalRedirect.Safe(next));
    }

    [Fact]
    public void Safe_CustomFallback_IsUsed()
    {
        Assert.Equal("/hub/login", LocalRedirect.Safe("//evil.com", "/hub/login"));
    }
}
