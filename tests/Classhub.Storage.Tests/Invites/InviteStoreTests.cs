using Classhub.Core.Security;
using Classhub.Storage.Database.Tests;
using Classhub.Storage.Users;

namespace Classhub.Storage.Invites.Tests;

public sealed class InviteStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly InviteStore _invites;
    private readonly UserStore _users;
    private readonly long _alice;

    public InviteStoreTests()
    {
        _invites = new InviteStore(_db.Database, _db.Time);
        _users = new UserStore(_db.Database, _db.Time);
        _alice = _users.Add("alice", admin: false)!.Id;
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Create_Code_StoresOnlyItsHash()
    {
        var code = _invites.Create(_alice, TimeSpan.FromDays(7));

        Assert.Equal([Secrets.Hash(code)], _db.Column("SELECT code_hash FROM invites").Cast<string>());
    }

    [Fact]
    public void Peek_ValidCode_ReturnsUserWithoutUsingItUp()
    {
        var code = _invites.Create(_alice, TimeSpan.FromDays(7));

        Assert.Equal(_alice, _invites.Peek(code));
        Assert.Equal(_alice, _invites.Peek(code));
        Assert.Equal(_alice, _invites.Redeem(code, "hash"));
    }

    [Fact]
    public void Redeem_ValidCode_SetsPasswordHash()
    {
        var code = _invites.Create(_alice, TimeSpan.FromDays(7));

        var redeemed = _invites.Redeem(code, "pbkdf2-sha256$1$AA==$AA==");

        Assert.Equal(_alice, redeemed);
        Assert.Equal("pbkdf2-sha256$1$AA==$AA==", _users.Find("alice")!.PasswordHash);
    }

    [Fact]
    public void Redeem_SecondTime_IsRefusedAndKeepsFirstPassword()
    {
        var code = _invites.Create(_alice, TimeSpan.FromDays(7));
        _invites.Redeem(code, "first");

        var again = _invites.Redeem(code, "second");

        Assert.Null(again);
        Assert.Null(_invites.Peek(code));
        Assert.Equal("first", _users.Find("alice")!.PasswordHash);
    }

    [Fact]
    public void Redeem_ExpiredCode_IsRefusedAndPasswordUnchanged()
    {
        var code = _invites.Create(_alice, TimeSpan.FromHours(1));
        _db.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(1));

        Assert.Null(_invites.Peek(code));
        Assert.Null(_invites.Redeem(code, "late"));
        Assert.Null(_users.Find("alice")!.PasswordHash);
    }

    [Fact]
    public void Redeem_UnknownCode_IsRefused()
    {
        _invites.Create(_alice, TimeSpan.FromHours(1));

        Assert.Null(_invites.Redeem(Secrets.New(), "x"));
        Assert.Null(_users.Find("alice")!.PasswordHash);
    }
}
