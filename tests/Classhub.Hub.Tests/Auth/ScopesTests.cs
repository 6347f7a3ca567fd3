namespace Classhub.Hub.Auth.Tests;

public sealed class ScopesTests
{
    [Fact]
    public void Allows_UserFilterForOwner_IsTrue()
    {
        Assert.True(Scopes.Allows(["servers!user=alice"], Scopes.Servers, "alice"));
    }

    [Fact]
    public void Allows_ServerFilterForOwner_IsTrue()
    {
        Assert.True(Scopes.Allows(["access:servers!server=alice/"], Scopes.AccessServers, "alice"));
    }

    [Fact]
    public void Allows_UnfilteredScope_GrantsAnyOwner()
    {
        Assert.True(Scopes.Allows([Scopes.AccessServers], Scopes.AccessServers, "alice"));
        Assert.True(Scopes.Allows([Scopes.AccessServers], Scopes.AccessServers, "bob"));
    }

    [Theory]
    [InlineData("servers!user=bob")]
    [InlineData("servers!user=alic")]
    [InlineData("servers!user=alice2")]
    [InlineData("servers!server=bob/")]
    [InlineData("servers!server=alice")]
    [InlineData("read:servers!user=alice")]
    [InlineData("servers!group=alice")]
    [InlineData("serversX")]
    [InlineData("servers!server=alice/x")]
    [InlineData("servers!server=")]
    [InlineData("servers!user=")]
    public void Allows_OtherOwnerOrScopeOrFilter_IsFalse(string held)
    {
        Assert.False(Scopes.Allows([held], Scopes.Servers, "alice"));
    }

    [Fact]
    public void Allows_NoScopes_IsFalse()
    {
        Assert.False(Scopes.Allows([], Scopes.Servers, "alice"));
    }

    [Fact]
    public void ForUser_Student_GrantsOnlyOwnThings()
    {
        var held = Scopes.ForUser("alice", admin: false, adminAccess: false);

        Assert.True(Scopes.Allows(held, Scopes.AccessServers, "alice"));
        Assert.True(Scopes.Allows(held, Scopes.Servers, "alice"));
        Assert.False(Scopes.Allows(held, Scopes.AccessServers, "bob"));
        Assert.False(Scopes.Allows(held, Scopes.AdminUsers, "alice"));
    }

    [Fact]
    public void ForUser_Admin_ManagesEveryone_ButUsesOnlyTheirOwnServer()
    {
        var held = Scopes.ForUser("root-teacher", admin: true, adminAccess: false);

        Assert.False(Scopes.Allows(held, Scopes.AccessServers, "bob"));
        Assert.True(Scopes.Allows(held, Scopes.AccessServers, "root-teacher"));
        Assert.True(Scopes.Allows(held, Scopes.AdminUsers, "bob"));
        Assert.True(Scopes.Allows(held, Scopes.Servers, "bob"));
    }

    [Fact]
    public void ForUser_AdminWithAdminAccess_UsesEveryonesServers()
    {
        var held = Scopes.ForUser("root-teacher", admin: true, adminAccess: true);

        Assert.True(Scopes.Allows(held, Scopes.AccessServers, "bob"));
        Assert.True(Scopes.Allows(held, Scopes.AdminUsers, "bob"));
    }

    [Fact]
    public void ForServer_ServerToken_AccessesOnlyItsOwnersServer()
    {
        var held = Scopes.ForServer("alice");

        Assert.True(Scopes.Allows(held, Scopes.AccessServers, "alice"));
        Assert.True(Scopes.Allows(held, Scopes.UsersActivity, "alice"));
        Assert.False(Scopes.Allows(held, Scopes.AccessServers, "bob"));
        Assert.False(Scopes.Allows(held, Scopes.Servers, "alice"));
    }

    [Fact]
    public void AllowsAny_FilteredOrPlain_MatchesScopeNameOnly()
    {
        Assert.True(Scopes.AllowsAny(["servers!user=alice"], Scopes.Servers));
        Assert.True(Scopes.AllowsAny([Scopes.Servers], Scopes.Servers));
        Assert.False(Scopes.AllowsAny(["read:servers!user=alice"], Scopes.Servers));
        Assert.False(Scopes.AllowsAny(["serversx"], Scopes.Servers));
    }
}
