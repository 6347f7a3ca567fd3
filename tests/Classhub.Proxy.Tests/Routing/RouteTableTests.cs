namespace Classhub.Proxy.Routing.Tests;

public sealed class RouteTableTests
{
    private static readonly Uri AliceServer = new("http://127.0.0.1:41001/");
    private static readonly Uri AliceMoved = new("http://127.0.0.1:41002/");
    private static readonly Uri BobServer = new("http://127.0.0.1:41003/");

    [Fact]
    public void TryGet_EmptyTable_ReturnsFalse()
    {
        var table = new RouteTable();

        Assert.False(table.TryGet("alice", out _));
        Assert.Empty(table.Snapshot());
    }

    [Fact]
    public void Set_NewUser_IsFound()
    {
        var table = new RouteTable();

        table.Set("alice", AliceServer);

        Assert.True(table.TryGet("alice", out var target));
        Assert.Equal(AliceServer, target);
        Assert.False(table.TryGet("Alice", out _));
    }

    [Fact]
    public void Set_ExistingUser_ReplacesTheRoute()
    {
        var table = new RouteTable();
        table.Set("alice", AliceServer);

        table.Set("alice", AliceMoved);

        Assert.True(table.TryGet("alice", out var target));
        Assert.Equal(AliceMoved, target);
        Assert.Single(table.Snapshot());
    }

    [Fact]
    public void Remove_ExistingAndAbsentUser_RemovesOnlyThatRouteAndIgnoresAbsent()
    {
        var table = new RouteTable();
        table.Set("alice", AliceServer);
        table.Set("bob", BobServer);

        table.Remove("alice");
        table.Remove("alice");
        table.Remove("nobody");

        Assert.False(table.TryGet("alice", out _));
        Assert.True(table.TryGet("bob", out var bob));
        Assert.Equal(BobServer, bob);
    }

    [Fact]
    public void Snapshot_LaterChanges_DoNotAlterTheCopy()
    {
        var table = new RouteTable();
        table.Set("alice", AliceServer);
        table.Set("bob", BobServer);

        var snapshot = table.Snapshot();
        table.Remove("alice");
        table.Set("bob", AliceMoved);

        Assert.Equal(2, snapshot.Count);
        Assert.Equal(AliceServer, snapshot["alice"]);
        Assert.Equal(BobServer, snapshot["bob"]);
        Assert.Equal(AliceMoved, table.Snapshot()["bob"]);
    }
}
