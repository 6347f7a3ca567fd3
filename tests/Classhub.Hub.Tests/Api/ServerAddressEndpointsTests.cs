using Classhub.Hub.Api;
using Classhub.Hub.Auth;

namespace Classhub.Hub.Api.Tests;

public sealed class ServerAddressEndpointsTests
{
    [Fact]
    public void Scopes_OnlyTheServersOwnToken_MaySetItsAddress()
    {
        Assert.True(Scopes.Allows(Scopes.ForServer("alice"), Scopes.ServerAddress, "alice"));
        Assert.False(Scopes.Allows(Scopes.ForServer("alice"), Scopes.ServerAddress, "bob"));
        Assert.False(Scopes.Allows(Scopes.ForUser("alice", admin: false, adminAccess: false), Scopes.ServerAddress, "alice"));
        Assert.False(Scopes.Allows(Scopes.ForUser("root-admin", admin: true, adminAccess: true), Scopes.ServerAddress, "alice"));
    }

    [Theory]
    [InlineData("node12", 41234)]
    [InlineData("node12.cluster.example.edu", 1)]
    [InlineData("10.1.2.3", 65535)]
    [InlineData("fd00::12", 8888)]
    public void Problem_HostAndPort_Accepted(string host, int port)
    {
        Assert.Null(ServerAddressEndpoints.Problem(new ServerAddressRequest(host, port)));
    }

    [Theory]
    [InlineData(null, 8888, "'host' must be")]
    [InlineData("", 8888, "'host' must be")]
    [InlineData("evil.example/x", 8888, "'host' must be")]
    [InlineData("node 12", 8888, "'host' must be")]
    [InlineData("node12", 0, "'port' must be 1-65535, not 0")]
    [InlineData("node12", 70000, "'port' must be 1-65535, not 70000")]
    [InlineData("node12", null, "'port' must be 1-65535, not missing")]
    public void Problem_BadHostOrPort_SaysWhichField(string? host, int? port, string expected)
    {
        Assert.Contains(expected, ServerAddressEndpoints.Problem(new ServerAddressRequest(host, port)), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_NoBody_Reported()
    {
        Assert.Equal("the body is not JSON", ServerAddressEndpoints.Problem(null));
    }
}
