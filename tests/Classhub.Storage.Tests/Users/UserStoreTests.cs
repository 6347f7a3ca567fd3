using Classhub.Storage.Database.Tests;
using Classhub.Storage.Sessions;
using Classhub.Storage.Tokens;

namespace Classhub.Storage.Users.Tests;

public sealed class UserStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly UserStore _users;

    public UserStoreTests() => _users = new UserStore(_db.Database, _db.Time);

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Add_NewName_StoresUserWithCreationTime()
    {
        var added = _users.Add("alice", admin: true, passwordHash: "pbkdf2-sha256$1$AA==$AA==");

        Assert.NotNull(added);
        Assert.Equal("alice", added.Name);
        Assert.True(added.User.IsAdmin);
        Assert.False(added.User.IsDisabled);
        Assert.Equal(_db.Time.GetUtcNow(), added.User.CreatedAt);
        Assert.Null(added.User.LastActivity);
        Assert.Equal("pbkdf2-sha256$1$AA==$AA==", added.PasswordHash);
    }

    [Fact]
    public void Add_DuplicateName_ReturnsNullAndKeepsTheFirst()
    {
        var first = _users.Add("alice", admin: false);

        var second = _users.Add("alice", admin: true);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.False(_users.Find("alice")!.User.IsAdmin);
        Assert.Equal(1, _db.Count("SELECT COUNT(*) FROM users"));
    }

    [Fact]
    public void Find_KnownAndUnknownName_ReturnsUserOrNull()
    {
        var alice = _users.Add("alice", admin: false)!;

        Assert.Equal(alice, _users.Find("alice"));
        Assert.Equal(alice, _users.FindById(alice.Id));
        Assert.Null(_users.Find("bob"));
        Assert.Null(_users.Find("Alice"));
        Assert.Null(_users.FindById(alice.Id + 1000));
    }

    [Fact]
    public void List_SeveralUsers_SortedByName()
    {
        _users.Add("carol", admin: false);
        _users.Add("alice", admin: false);
        _users.Add("bob", admin: false);

        Assert.Equal(["alice", "bob", "carol"], _users.List().Select(u => u.Name));
    }

    [Fact]
    public void SetDisabled_KnownUser_TogglesAndUnknownReturnsFalse()
    {
        _users.Add("alice", admin: false);

        Assert.True(_users.SetDisabled("alice", true));
        Assert.True(_users.Find("alice")!.User.IsDisabled);
        Assert.True(_users.SetDisabled("alice", false));
        Assert.False(_users.Find("alice")!.User.IsDisabled);
        Assert.False(_users.SetDisabled("nobody-here", true));
    }

    [Fact]
    public void SetAdminAndPasswordHash_KnownUser_AreStored()
    {
        _users.Add("alice", admin: false);

        Assert.True(_users.SetAdmin("alice", true));
        Assert.True(_users.SetPasswordHash("alice", "h"));

        var alice = _users.Find("alice")!;
        Assert.True(alice.User.IsAdmin);
        Assert.Equal("h", alice.PasswordHash);
    }

    [Fact]
    public void Delete_UserWithTokensAndSessions_RemovesThemToo()
    {
        var alice = _users.Add("alice", admin: false)!;
        var bob = _users.Add("bob", admin: false)!;
        var tokens = new TokenStore(_db.Database, _db.Time);
        var sessions = new SessionStore(_db.Database, _db.Time);
        var (aliceToken, _) = tokens.Create(alice.Id, TokenKind.Api, ["servers"], "laptop", null);
        var (bobToken, _) = tokens.Create(bob.Id, TokenKind.Api, ["servers"], null, null);
        var aliceSession = sessions.Create(alice.Id, TimeSpan.FromDays(1));
        var bobSession = sessions.Create(bob.Id, TimeSpan.FromDays(1));

        Assert.True(_users.Delete("alice"));

        Assert.Null(_users.Find("alice"));
        Assert.Null(tokens.Find(aliceToken));
        Assert.Null(sessions.FindUserId(aliceSession));
        Assert.Equal(0, _db.Count($"SELECT COUNT(*) FROM api_tokens WHERE user_id = {alice.Id}"));
        Assert.Equal(0, _db.Count($"SELECT COUNT(*) FROM sessions WHERE user_id = {alice.Id}"));
        Assert.NotNull(tokens.Find(bobToken));
        Assert.Equal(bob.Id, sessions.FindUserId(bobSession));
    }

    [Fact]
    public void Delete_UnknownUser_ReturnsFalse()
    {
        Assert.False(_users.Delete("ghost"));
    }

    [Fact]
    public void TouchActivity_OlderTime_DoesNotMoveActivityBackwards()
    {
        var alice = _users.Add("alice", admin: false)!;
        var later = _db.Time.GetUtcNow().AddMinutes(10);

        _users.TouchActivity(alice.Id, later);
        _users.TouchActivity(alice.Id, later.AddMinutes(-5));

        Assert.Equal(later, _users.Find("alice")!.User.LastActivity);
    }
}
