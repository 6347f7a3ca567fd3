using Classhub.Core.Security;
using Classhub.Storage.Database.Tests;
using Classhub.Storage.Users;

namespace Classhub.Storage.Tokens.Tests;

public sealed class TokenStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly TokenStore _tokens;
    private readonly long _alice;

    public TokenStoreTests()
    {
        _tokens = new TokenStore(_db.Database, _db.Time);
        _alice = new UserStore(_db.Database, _db.Time).Add("alice", admin: false)!.Id;
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Create_Token_StoresOnlyItsHash()
    {
        var (token, _) = _tokens.Create(_alice, TokenKind.Api, ["servers!user=alice"], "laptop", null);

        var hashes = _db.Column("SELECT hash FROM api_tokens").Cast<string>().ToList();
        var everything = string.Join('|', _db.Column("SELECT hash || prefix || kind || scopes || COALESCE(note, '') || COALESCE(client_id, '') FROM api_tokens").Cast<string>());
        Assert.Equal([Secrets.Hash(token)], hashes);
        Assert.DoesNotContain(token, everything, StringComparison.Ordinal);
        Assert.Equal([token[..4]], _db.Column("SELECT prefix FROM api_tokens").Cast<string>());
    }

    [Fact]
    public void Find_ClearToken_ReturnsItsRecord()
    {
        var (token, stored) = _tokens.Create(_alice, TokenKind.Server, ["users:activity!user=alice", "access:servers!server=alice/"], "server", TimeSpan.FromHours(1), "jupyterhub-user-alice");

        var found = _tokens.Find(token);

        Assert.NotNull(found);
        Assert.Equal(stored.Id, found.Id);
        Assert.Equal(_alice, found.UserId);
        Assert.Equal(TokenKind.Server, found.Kind);
        Assert.Equal(["users:activity!user=alice", "access:servers!server=alice/"], found.Scopes);
        Assert.Equal("server", found.Note);
        Assert.Equal("jupyterhub-user-alice", found.ClientId);
        Assert.Equal(_db.Time.GetUtcNow(), found.CreatedAt);
        Assert.Equal(_db.Time.GetUtcNow().AddHours(1), found.ExpiresAt);
    }

    [Fact]
    public void Find_UnknownOrHashedToken_ReturnsNull()
    {
        var (token, _) = _tokens.Create(_alice, TokenKind.Api, [], null, null);

        Assert.Null(_tokens.Find(Secrets.New()));
        Assert.Null(_tokens.Find(Secrets.Hash(token)));
    }

    [Fact]
    public void Find_AfterExpiry_ReturnsNull()
    {
        var (token, _) = _tokens.Create(_alice, TokenKind.OAuth, ["identify"], null, TimeSpan.FromMinutes(30));

        _db.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.NotNull(_tokens.Find(token));

        _db.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_tokens.Find(token));
    }

    [Fact]
    public void Find_NoExpiry_StaysValid()
    {
        var (token, _) = _tokens.Create(_alice, TokenKind.Api, [], null, null);

        _db.Time.Advance(TimeSpan.FromDays(3650));

        Assert.NotNull(_tokens.Find(token));
    }

    [Fact]
    public void DeleteForClient_TokensOfTwoClients_RemovesOnlyThatClientsTokens()
    {
        var (a1, _) = _tokens.Create(_alice, TokenKind.OAuth, [], null, null, "client-a");
        var (a2, _) = _tokens.Create(_alice, TokenKind.OAuth, [], null, null, "client-a");
        var (b, _) = _tokens.Create(_alice, TokenKind.OAuth, [], null, null, "client-b");
        var (api, _) = _tokens.Create(_alice, TokenKind.Api, [], null, null);

        var deleted = _tokens.DeleteForClient("client-a");

        Assert.Equal(2, deleted);
        Assert.Null(_tokens.Find(a1));
        Assert.Null(_tokens.Find(a2));
        Assert.NotNull(_tokens.Find(b));
        Assert.NotNull(_tokens.Find(api));
    }

    [Fact]
    public void ListForUserAndDelete_TwoTokens_ListsInOrderAndDeletesOne()
    {
        var (_, first) = _tokens.Create(_alice, TokenKind.Api, [], "one", null);
        var (second, _) = _tokens.Create(_alice, TokenKind.Api, [], "two", null);

        Assert.Equal(["one", "two"], _tokens.ListForUser(_alice).Select(t => t.Note));
        Assert.True(_tokens.Delete(first.Id));
        Assert.False(_tokens.Delete(first.Id));
        Assert.Equal(["two"], _tokens.ListForUser(_alice).Select(t => t.Note));
        Assert.NotNull(_tokens.Find(second));
    }
}
