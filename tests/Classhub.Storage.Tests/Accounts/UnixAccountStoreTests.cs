using Classhub.Storage.Database.Tests;
using Classhub.Storage.Invites;
using Classhub.Storage.Users;

namespace Classhub.Storage.Accounts.Tests;

public sealed class UnixAccountStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly UnixAccountStore _store;
    private readonly UserStore _users;
    private readonly long _alice;
    private readonly long _bob;

    public UnixAccountStoreTests()
    {
        _store = new UnixAccountStore(_db.Database, _db.Time);
        _users = new UserStore(_db.Database, _db.Time);
        _alice = _users.Add("alice", admin: false)!.Id;
        _bob = _users.Add("bob", admin: false)!.Id;
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void BeginCreate_ThenSetUid_RecordedAsCreatedForTheUser()
    {
        Assert.True(_store.BeginCreate(_alice, "alice"));
        Assert.Null(_store.ForUser(_alice)!.Uid);
        Assert.False(_store.BeginCreate(_bob, "alice"));

        _store.SetUid("alice", 1005);

        Assert.Equal(new StoredUnixAccount("alice", _alice, 1005, AccountOrigin.Created, _db.Time.GetUtcNow()), _store.ForAccount("alice"));
    }

    [Fact]
    public void Bind_UserHadAnotherAccount_ClasshubsOwnKeptWithoutUser_LinkedOneForgotten()
    {
        _store.BeginCreate(_alice, "alice");
        _store.SetUid("alice", 1005);

        _store.Bind(_alice, "a.smith", 1200, AccountOrigin.Linked);
        _store.Bind(_alice, "alice2", 1300, AccountOrigin.Linked);

        Assert.Equal("alice2", _store.ForUser(_alice)!.UnixName);
        Assert.Null(_store.ForAccount("alice")!.UserId);
        Assert.Null(_store.ForAccount("a.smith"));
        Assert.Equal(["alice"], _store.MadeByClasshub().Select(a => a.UnixName));
    }

    [Fact]
    public void Unlink_AndDeletingTheHubUser_KeepClasshubsAccountsRecorded()
    {
        _store.Bind(_alice, "alice", 1005, AccountOrigin.Adopted);
        _store.Bind(_bob, "bob", 1006, AccountOrigin.Created);

        Assert.True(_store.Unlink(_alice));
        Assert.False(_store.Unlink(_alice));
        _users.Delete("bob");

        Assert.Equal([("alice", (long?)null), ("bob", null)], _store.MadeByClasshub().Select(a => (a.UnixName, a.UserId)));
    }

    [Fact]
    public void RecordedFrom_FreshDatabase_None()
    {
        Assert.Null(_store.RecordedFrom());
    }

    [Fact]
    public void Migration_OnAHubThatAlreadyHadUsers_RecordsWhenAccountsStartedBeingRecorded()
    {
        // As before this version: the users exist, the accounts table does not.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _db.Column("DROP TABLE unix_accounts");
        _db.Column("DROP TABLE unix_accounts_since");
        _db.Column("DELETE FROM schema_migrations WHERE name LIKE '%unix_accounts'");

        _db.Database.Migrate();

        var from = _store.RecordedFrom();
        Assert.NotNull(from);
        Assert.InRange(from.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void InviteStore_UserBoundThroughPam_CodesNoLongerWork()
    {
        var invites = new InviteStore(_db.Database, _db.Time);
        var code = invites.Create(_alice, TimeSpan.FromDays(1));

        _store.Bind(_alice, "alice", 1005, AccountOrigin.Pam);

        Assert.Null(invites.Peek(code));
        Assert.Null(invites.Redeem(code, "hash"));
        Assert.Null(_users.Find("alice")!.PasswordHash);
    }
}
