using Classhub.Core.Security;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.OAuth;

/// <summary>
/// The hub as an OAuth2 provider for single-user servers: one client per server (its secret is the server's
/// token) and short-lived, single-use authorization codes.
/// </summary>
internal sealed class OAuthStore(HubDatabase database, TimeProvider time)
{
    public void SaveClient(string clientId, long userId, string secret, string redirectUri, IReadOnlyList<string> scopes)
    {
        using var c = database.Open();
        c.Execute(
            """
            INSERT INTO oauth_clients (client_id, user_id, secret_hash, redirect_uri, scopes) VALUES (@clientId, @userId, @hash, @redirectUri, @scopes)
            ON CONFLICT(client_id) DO UPDATE SET user_id = excluded.user_id, secret_hash = excluded.secret_hash, redirect_uri = excluded.redirect_uri, scopes = excluded.scopes
            """,
            new { clientId, userId, hash = Secrets.Hash(secret), redirectUri, scopes = string.Join(' ', scopes) });
    }

    public OAuthClient? FindClient(string clientId)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<OAuthClientRow>(
            "SELECT client_id AS ClientId, user_id AS UserId, secret_hash AS SecretHash, redirect_uri AS RedirectUri, scopes AS Scopes FROM oauth_clients WHERE client_id = @clientId",
            new { clientId });
        return row is null ? null : new OAuthClient(row.ClientId, row.UserId, row.SecretHash, row.RedirectUri, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    public void DeleteClient(string clientId)
    {
        using var c = database.Open();
        c.Execute("DELETE FROM oauth_clients WHERE client_id = @clientId", new { clientId });
    }

    public string CreateCode(string clientId, long userId, string redirectUri, IReadOnlyList<string> scopes, TimeSpan validFor)
    {
        var code = Secrets.New();
        using var c = database.Open();
        c.Execute(
            "INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, scopes, expires_at) VALUES (@hash, @clientId, @userId, @redirectUri, @scopes, @expires)",
            new { hash = Secrets.Hash(code), clientId, userId, redirectUri, scopes = string.Join(' ', scopes), expires = Clock.ToDb(time.GetUtcNow() + validFor) });
        return code;
    }

    /// <summary>Uses a code up (codes are single-use) and returns what it was issued for, if it was valid for this client.</summary>
    public OAuthCode? RedeemCode(string code, string clientId)
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        var row = c.QuerySingleOrDefault<OAuthCodeRow>(
            "DELETE FROM oauth_codes WHERE code_hash = @hash RETURNING client_id AS ClientId, user_id AS UserId, redirect_uri AS RedirectUri, scopes AS Scopes, expires_at AS ExpiresAt",
            new { hash = Secrets.Hash(code) });
        if (row is null || row.ClientId != clientId || row.ExpiresAt <= now)
        {
            return null;
        }

        return new OAuthCode(row.ClientId, row.UserId, row.RedirectUri, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}

internal sealed class OAuthClientRow
{
    public string ClientId { get; set; } = "";

    public long UserId { get; set; }

    public string SecretHash { get; set; } = "";

    public string RedirectUri { get; set; } = "";

    public string Scopes { get; set; } = "";
}

internal sealed class OAuthCodeRow
{
    public string ClientId { get; set; } = "";

    public long UserId { get; set; }

    public string RedirectUri { get; set; } = "";

    public string Scopes { get; set; } = "";

    public long ExpiresAt { get; set; }
}

internal sealed record OAuthClient(string ClientId, long UserId, string SecretHash, string RedirectUri, IReadOnlyList<string> Scopes);

internal sealed record OAuthCode(string ClientId, long UserId, string RedirectUri, IReadOnlyList<string> Scopes);
