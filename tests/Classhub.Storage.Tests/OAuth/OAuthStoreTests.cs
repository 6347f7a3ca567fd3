using Classhub.Core.Security;
using Classhub.Storage.Database.Tests;
using Classhub.Storage.Users;

namespace Classhub.Storage.OAuth.Tests;

public sealed class OAuthStoreTests : IDisposable
{
    private const string Client = "jupyterhub-user-alice";
    private const string Redirect = "/user/alice/oauth_callback";

    private readonly TempDatabase _db = new();
    private readonly OAuthStore _oauth;
    private readonly long _alice;

    public OAuthStoreTests()
    {
        _oauth = new OAuthStore(_db.Database, _db.Time);
        _alice = new UserStore(_db.Database, _db.Time).Add("alice", admin: false)!.Id;
        _oauth.SaveClient(Client, _alice, "server-secret", Redirect, ["access:servers!server=alice/"]);
        _oauth.SaveClient("jupyterhub-user-bob", _alice, "other-secret", "/user/bob/oauth_callback", []);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void SaveClient_Twice_UpdatesAndStoresSecretHashed()
    {
        _oauth.SaveClient(Client, _alice, "new-secret", "/user/alice/cb2", ["a", "b"]);

        var client = _oauth.FindClient(Client);
        Assert.NotNull(client);
        Assert.Equal(Secrets.Hash("new-secret"), client.SecretHash);
        Assert.Equal("/user/alice/cb2", client.RedirectUri);
        Assert.Equal(["a", "b"], client.Scopes);
        Assert.Equal(2, _db.Count("SELECT COUNT(*) FROM oauth_clients"));
        Assert.Equal(0, _db.Count("SELECT COUNT(*) FROM oauth_clients WHERE secret_hash LIKE '%secret%'"));
    }

    [Fact]
    public void DeleteClient_Known_RemovesClientAndItsCodes()
    {
        var code = _oauth.CreateCode(Client, _alice, Redirect, ["identify"], TimeSpan.FromMinutes(10));

        _oauth.DeleteClient(Client);

        Assert.Null(_oauth.FindClient(Client));
        Assert.Null(_oauth.RedeemCode(code, Client));
    }

    [Fact]
    public void RedeemCode_RightClient_ReturnsWhatItWasIssuedFor()
    {
        var code = _oauth.CreateCode(Client, _alice, Redirect, ["identify", "access:servers!server=alice/"], TimeSpan.FromMinutes(10));

        var redeemed = _oauth.RedeemCode(code, Client);

        Assert.NotNull(redeemed);
        Assert.Equal(Client, redeemed.ClientId);
        Assert.Equal(_alice, redeemed.UserId);
        Assert.Equal(Redirect, redeemed.RedirectUri);
        Assert.Equal(["identify", "access:servers!server=alice/"], redeemed.Scopes);
        Assert.Equal(0, _db.Count("SELECT COUNT(*) FROM oauth_codes"));
    }

    [Fact]
    public void RedeemCode_SecondTime_IsRefused()
    {
        var code = _oauth.CreateCode(Client, _alice, Redirect, [], TimeSpan.FromMinutes(10));

        Assert.NotNull(_oauth.RedeemCode(code, Client));
        Assert.Null(_oauth.RedeemCode(code, Client));
    }

    [Fact]
    public void RedeemCode_WrongClient_IsRefused()
    {
        var code = _oauth.CreateCode(Client, _alice, Redirect, [], TimeSpan.FromMinutes(10));

        Assert.Null(_oauth.RedeemCode(code, "jupyterhub-user-bob"));
    }

    [Fact]
    public void RedeemCode_Expired_IsRefused()
    {
        var code = _oauth.CreateCode(Client, _alice, Redirect, [], TimeSpan.FromMinutes(10));
        _db.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(_oauth.RedeemCode(code, Client));
    }

    [Fact]
    public void CreateCode_Code_StoresOnlyItsHash()
    {
        var code = _oauth.CreateCode(Client, _alice, Redirect, [], TimeSpan.FromMinutes(10));

        Assert.Equal([Secrets.Hash(code)], _db.Column("SELECT code_hash FROM oauth_codes").Cast<string>());
    }
}
