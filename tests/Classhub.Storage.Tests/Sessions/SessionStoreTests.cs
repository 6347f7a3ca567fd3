using Classhub.Core.Security;
using Classhub.Storage.Database.Tests;
using Classhub.Storage.Users;

namespace Classhub.Storage.Sessions.Tests;

public sealed class SessionStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly SessionStore _sessions;
    private readonly long _alice;
    private readonly long _bob;

    public SessionStoreTests()
    {
        _sessions = new SessionStore(_db.Database, _db.Time);
        var users = new UserStore(_db.Database, _db.Time);
        _alice = users.Add("alice", admin: false)!.Id;
        _bob = users.Add("bob", admin: false)!.Id;
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Create_Session_StoresOnlyTheHashOfTheId()
    {
        var id = _sessions.Create(_alice, TimeSpan.FromHours(1));

        Assert.Equal(64, id.Length);
        Assert.Equal([Secrets.Hash(id)], _db.Column("SELECT id_hash FROM sessions").Cast<string>());
        Assert.Equal(_alice, _sessions.FindUserId(id));
    }

    [Fact]
    public void FindUserId_AfterLifetime_ReturnsNull()
    {
        var id = _sessions.Create(_alice, TimeSpan.FromHours(1));

        _db.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(_alice, _sessions.FindUserId(id));

        _db.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_sessions.FindUserId(id));
    }

    [Fact]
    public void FindUserId_UnknownId_ReturnsNull()
    {
        _sessions.Create(_alice, TimeSpan.FromHours(1));

        Assert.Null(_sessions.FindUserId(Secrets.New()));
    }

    [Fact]
    public void Delete_Session_EndsOnlyThatSession()
    {
        var first = _sessions.Create(_alice, TimeSpan.FromHours(1));
        var second = _sessions.Create(_alice, TimeSpan.FromHours(1));

        _sessions.Delete(first);

        Assert.Null(_sessions.FindUserId(first));
        Assert.Equal(_alice, _sessions.FindUserId(second));
    }

    [Fact]
    public void DeleteForUser_TwoUsers_EndsOnlyThatUsersSessions()
    {
        var a1 = _sessions.Create(_alice, TimeSpan.FromHours(1));
        var a2 = _sessions.Create(_alice, TimeSpan.FromHours(1));
        var b = _sessions.Create(_bob, TimeSpan.FromHours(1));

        var deleted = _sessions.DeleteForUser(_alice);

        Assert.Equal(2, deleted);
        Assert.Null(_sessions.FindUserId(a1));
        Assert.Null(_sessions.FindUserId(a2));
        Assert.Equal(_bob, _sessions.FindUserId(b));
    }

    [Fact]
    public void DeleteExpired_MixedSessions_RemovesOnlyExpiredRows()
    {
        _sessions.Create(_alice, TimeSpan.FromMinutes(5));
        var live = _sessions.Create(_bob, TimeSpan.FromDays(1));
        _db.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, _sessions.DeleteExpired());

        Assert.Equal(1, _db.Count("SELECT COUNT(*) FROM sessions"));
        Assert.Equal(_bob, _sessions.FindUserId(live));
    }
}
