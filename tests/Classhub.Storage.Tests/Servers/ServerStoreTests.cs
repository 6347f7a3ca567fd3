using Classhub.Core.Servers;
using Classhub.Storage.Database.Tests;
using Classhub.Storage.Users;

namespace Classhub.Storage.Servers.Tests;

public sealed class ServerStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly ServerStore _servers;
    private readonly UserStore _users;

    public ServerStoreTests()
    {
        _servers = new ServerStore(_db.Database);
        _users = new UserStore(_db.Database, _db.Time);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Save_NewServer_IsFoundWithEveryField()
    {
        var alice = _users.Add("alice", admin: false)!.Id;
        var started = _db.Time.GetUtcNow();

        _servers.Save(alice, ServerPhase.Running, new Uri("http://127.0.0.1:41234/user/alice/"), "local", "{\"pid\":42}", started, null);

        var server = _servers.Find(alice);
        Assert.NotNull(server);
        Assert.Equal("alice", server.UserName);
        Assert.Equal(ServerPhase.Running, server.Phase);
        Assert.Equal(new Uri("http://127.0.0.1:41234/user/alice/"), server.Url);
        Assert.Equal("local", server.Spawner);
        Assert.Equal("{\"pid\":42}", server.State);
        Assert.Equal(started, server.StartedAt);
        Assert.Null(server.LastError);
    }

    [Fact]
    public void Save_SameUserTwice_ReplacesTheRow()
    {
        var alice = _users.Add("alice", admin: false)!.Id;
        _servers.Save(alice, ServerPhase.Running, new Uri("http://127.0.0.1:41234/"), "local", "s1", _db.Time.GetUtcNow(), null);

        _servers.Save(alice, ServerPhase.Stopped, null, "local", null, null, "exited with code 1");

        Assert.Equal(1, _db.Count("SELECT COUNT(*) FROM servers"));
        var server = _servers.Find(alice)!;
        Assert.Equal(ServerPhase.Stopped, server.Phase);
        Assert.Null(server.Url);
        Assert.Null(server.State);
        Assert.Null(server.StartedAt);
        Assert.Equal("exited with code 1", server.LastError);
    }

    [Fact]
    public void ListActive_EveryPhase_ReturnsOnlyNonStopped()
    {
        var now = _db.Time.GetUtcNow();
        foreach (var (name, phase) in new[] { ("anna", ServerPhase.Stopped), ("ben", ServerPhase.Starting), ("cleo", ServerPhase.Running), ("dan", ServerPhase.Stopping) })
        {
            var id = _users.Add(name, admin: false)!.Id;
            _servers.Save(id, phase, null, "local", null, now, null);
        }

        Assert.Equal(["ben", "cleo", "dan"], _servers.ListActive().Select(s => s.UserName));
        Assert.Equal(["anna", "ben", "cleo", "dan"], _servers.List().Select(s => s.UserName));
    }

    [Fact]
    public void Find_NoServerSaved_ReturnsNull()
    {
        var alice = _users.Add("alice", admin: false)!.Id;

        Assert.Null(_servers.Find(alice));
    }

    [Fact]
    public void TouchActivity_NewerThenOlder_KeepsNewest()
    {
        var alice = _users.Add("alice", admin: false)!.Id;
        _servers.Save(alice, ServerPhase.Running, null, "local", null, _db.Time.GetUtcNow(), null);
        var later = _db.Time.GetUtcNow().AddMinutes(3);

        _servers.TouchActivity(alice, later);
        _servers.TouchActivity(alice, later.AddMinutes(-1));

        Assert.Equal(later, _servers.Find(alice)!.LastActivity);
    }

    [Fact]
    public void DeleteUser_WithServer_RemovesServerRow()
    {
        var alice = _users.Add("alice", admin: false)!.Id;
        _servers.Save(alice, ServerPhase.Running, null, "local", null, null, null);

        _users.Delete("alice");

        Assert.Empty(_servers.List());
        Assert.Equal(0, _db.Count("SELECT COUNT(*) FROM servers"));
    }
}
