namespace Classhub.Proxy.Forwarding.Tests;

public sealed class CookieFilterTests
{
    private const string Hub = "classhub-session";

    [Fact]
    public void Without_NamedCookieAmongOthers_RemovesOnlyIt()
    {
        Assert.Equal("_xsrf=abc; jupyterhub-user-alice=xyz", CookieFilter.Without(["_xsrf=abc; classhub-session=secret; jupyterhub-user-alice=xyz"], Hub));
    }

    [Fact]
    public void Without_OnlyTheNamedCookie_ReturnsEmpty()
    {
        Assert.Equal("", CookieFilter.Without(["classhub-session=secret"], Hub));
    }

    [Fact]
    public void Without_NoNamedCookie_KeepsEverything()
    {
        Assert.Equal("a=1; b=2", CookieFilter.Without(["a=1; b=2"], Hub));
    }

    [Fact]
    public void Without_MultipleHeaders_FiltersEachAndJoins()
    {
        var kept = CookieFilter.Without(["a=1; classhub-session=s1", "classhub-session=s2", "b=2"], Hub);

        Assert.Equal("a=1; b=2", kept);
    }

    [Fact]
    public void Without_OddSpacingAndEmptyParts_NormalizesAndStillRemoves()
    {
        var kept = CookieFilter.Without(["  a=1 ;classhub-session=secret;;   b=2  ;", " ; classhub-session=again "], Hub);

        Assert.Equal("a=1; b=2", kept);
        Assert.DoesNotContain("secret", kept, StringComparison.Ordinal);
        Assert.DoesNotContain("again", kept, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_SimilarNames_AreKept()
    {
        var kept = CookieFilter.Without(["classhub-session2=a; xclasshub-session=b; classhub-csrf=c; classhub-session=d"], Hub);

        Assert.Equal("classhub-session2=a; xclasshub-session=b; classhub-csrf=c", kept);
    }

    [Fact]
    public void Without_ValueContainingTheName_IsKept()
    {
        Assert.Equal("note=classhub-session=x", CookieFilter.Without(["note=classhub-session=x"], Hub));
    }

    [Fact]
    public void Without_CookieWithoutValue_IsMatchedByName()
    {
        Assert.Equal("flag", CookieFilter.Without(["flag; classhub-session"], Hub));
    }
}
