using Classhub.Core.Security;
using Classhub.Hub.Hosting;
using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.Auth.Tests;

public sealed class CsrfTests
{
    private static DefaultHttpContext WithCookie(string? token)
    {
        var context = new DefaultHttpContext();
        if (token is not null)
        {
            context.Request.Headers.Cookie = $"other=1; {HubCookies.Csrf}={token}";
        }

        return context;
    }

    [Fact]
    public void IsValid_FieldMatchesCookie_IsTrue()
    {
        var token = Secrets.New();

        Assert.True(Csrf.IsValid(WithCookie(token), token));
    }

    [Fact]
    public void IsValid_HeaderMatchesCookieAndNoField_IsTrue()
    {
        var token = Secrets.New();
        var context = WithCookie(token);
        context.Request.Headers[Csrf.HeaderName] = token;

        Assert.True(Csrf.IsValid(context, null));
    }

    [Theory]
    [InlineData("same-origin", true)]
    [InlineData("none", true)]
    [InlineData("same-site", false)]
    [InlineData("cross-site", false)]
    public void IsValid_MatchingToken_OnlyWhenTheBrowserSaysItIsNotFromAnotherOrigin(string site, bool expected)
    {
        // A sibling host (users.hub.example.edu) is the same site, and its scripts can set a cookie for the hub's domain.
        var token = Secrets.New();
        var context = WithCookie(token);
        context.Request.Headers["Sec-Fetch-Site"] = site;

        Assert.Equal(expected, Csrf.IsValid(context, token));
    }

    [Fact]
    public void IsValid_FieldDiffersFromCookie_IsFalse()
    {
        Assert.False(Csrf.IsValid(WithCookie(Secrets.New()), Secrets.New()));
    }

    [Fact]
    public void IsValid_NoCookie_IsFalseEvenWithField()
    {
        Assert.False(Csrf.IsValid(WithCookie(null), Secrets.New()));
    }

    [Fact]
    public void IsValid_NoFieldNoHeader_IsFalse()
    {
        Assert.False(Csrf.IsValid(WithCookie(Secrets.New()), null));
        Assert.False(Csrf.IsValid(WithCookie(Secrets.New()), ""));
    }

    [Fact]
    public void IsValid_EmptyCookieAndEmptyField_IsFalse()
    {
        Assert.False(Csrf.IsValid(WithCookie(""), ""));
    }

    [Fact]
    public void TokenFor_NoCookie_IssuesCookieWithTheSameToken()
    {
        var csrf = new Csrf(new HubCookies(new HubOptions
        {
            DataDir = "/nonexistent",
            PublicUrl = new Uri("https://hub.example.edu"),
            InternalUrl = new Uri("http://127.0.0.1:8000"),
        }));
        var context = new DefaultHttpContext();

        var token = csrf.TokenFor(context);

        Assert.Equal(64, token.Length);
        Assert.Equal(token, csrf.TokenFor(context));
        var setCookie = context.Response.Headers.SetCookie.ToString();
        Assert.Contains($"{HubCookies.Csrf}={token}", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
    }
}
