using Microsoft.AspNetCore.Http;

namespace Classhub.Hub.UserOrigin.Tests;

public sealed class UserServerHostTests
{
    [Theory]
    [InlineData("users.hub.example.edu", "users.hub.example.edu", "")]
    [InlineData("users.hub.example.edu", "USERS.hub.example.edu:8443", "")]
    [InlineData("users.hub.example.edu", "hub.example.edu", null)]
    [InlineData("users.hub.example.edu", "evil.users.hub.example.edu", null)]
    [InlineData("{user}.users.hub.example.edu", "alice.users.hub.example.edu", "alice")]
    [InlineData("{user}.users.hub.example.edu", "Alice.users.hub.example.edu", "alice")]
    [InlineData("{user}.users.hub.example.edu", "a.b.users.hub.example.edu", null)]
    [InlineData("{user}.users.hub.example.edu", "users.hub.example.edu", null)]
    [InlineData("{user}.users.hub.example.edu", ".users.hub.example.edu", null)]
    [InlineData("{user}.users.hub.example.edu", "alice.users.hub.example.edu.evil.com", null)]
    [InlineData("{user}.users.hub.example.edu", "hub.example.edu", null)]
    public void OwnerOf_NamesTheHostsUser_OrNullForAnyOtherHost(string configured, string host, string? owner)
    {
        Assert.Equal(owner, UserServerHost.Parse(configured)!.OwnerOf(new HostString(host)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("users.hub.example.edu")]
    [InlineData("localhost")]
    [InlineData("{user}.users.hub.example.edu")]
    public void Problem_ValidHosts_None(string text) => Assert.Null(UserServerHost.Problem(text));

    [Theory]
    [InlineData("https://users.hub.example.edu")]
    [InlineData("users.hub.example.edu:8443")]
    [InlineData("users.hub.example.edu/path")]
    [InlineData("{user}")]
    [InlineData("x{user}.hub.example.edu")]
    [InlineData("{user}.{user}.hub.example.edu")]
    public void Problem_NotAHostOrPattern_Named(string text) => Assert.NotNull(UserServerHost.Problem(text));

    [Fact]
    public void HostFor_FixedOrPerUser()
    {
        Assert.Equal("users.hub.example.edu", UserServerHost.Parse("users.hub.example.edu")!.HostFor("alice"));
        Assert.Equal("alice.users.hub.example.edu", UserServerHost.Parse("{user}.users.hub.example.edu")!.HostFor("alice"));
    }
}
