using Classhub.Core.Security;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Tokens;

/// <summary>
/// Bearer tokens: API tokens people create, each server's own token, and OAuth access tokens. Only hashes are
/// stored; <see cref="Create"/> returns the clear token once.
/// </summary>
internal sealed class TokenStore(HubDatabase database, TimeProvider time)
{
    private const string Columns = "id AS Id, user_id AS UserId, prefix AS Prefix, kind AS Kind, scopes AS Scopes, note AS Note, client_id AS ClientId, created_at AS CreatedAt, expires_at AS ExpiresAt, last_activity AS LastActivity";

    public (string Token, StoredToken Stored) Create(long userId, TokenKind kind, IReadOnlyList<string> scopes, string? note, TimeSpan? expiresIn, string? clientId = null)
    {
        var token = Secrets.New();
        var now = time.GetUtcNow();
        using var c = database.Open();
        var id = c.QuerySingle<long>(
            "INSERT INTO api_tokens (user_id, hash, prefix, kind, scopes, note, client_id, created_at, expires_at) VALUES (@userId, @hash, @prefix, @kind, @scopes, @note, @clientId, @created, @expires) RETURNING id",
            new
            {
                userId,
                hash = Secrets.Hash(token),
                prefix = Secrets.Prefix(token),
                kind = kind.ToString().ToLowerInvariant(),
                scopes = string.Join(' ', scopes),
                note,
                clientId,
                created = Clock.ToDb(now),
                expires = expiresIn is { } e ? Clock.ToDb(now + e) : (long?)null,
            });
        return (token, new StoredToken(id, userId, kind, scopes, note, clientId, now, expiresIn is { } x ? now + x : null));
    }

    /// <summary>The token's record if it exists and has not expired.</summary>
    public StoredToken? Find(string token)
    {
        using var c = database.Open();
        var hash = Secrets.Hash(token);
        var now = Clock.ToDb(time.GetUtcNow());
        var row = c.QuerySingleOrDefault<TokenRow>(
            $"SELECT {Columns} FROM api_tokens WHERE hash = @hash AND (expires_at IS NULL OR expires_at > @now)", new { hash, now });
        return row is null ? null : Map(row);
    }

    public IReadOnlyList<StoredToken> ListForUser(long userId)
    {
        using var c = database.Open();
        return c.Query<TokenRow>($"SELECT {Columns} FROM api_tokens WHERE user_id = @userId ORDER BY id", new { userId }).Select(Map).ToList();
    }

    public int DeleteForClient(string clientId)
    {
        using var c = database.Open();
        return c.Execute("DELETE FROM api_tokens WHERE client_id = @clientId", new { clientId });
    }

    public bool Delete(long id)
    {
        using var c = database.Open();
        return c.Execute("DELETE FROM api_tokens WHERE id = @id", new { id }) > 0;
    }

    private static StoredToken Map(TokenRow r) => new(
        r.Id,
        r.UserId,
        Enum.Parse<TokenKind>(r.Kind, ignoreCase: true),
        r.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        r.Note,
        r.ClientId,
        Clock.FromDb(r.CreatedAt),
        Clock.FromDb(r.ExpiresAt));
}

internal enum TokenKind
{
    Api,
    Server,
    OAuth,
}

internal sealed record StoredToken(
    long Id,
    long UserId,
    TokenKind Kind,
    IReadOnlyList<string> Scopes,
    string? Note,
    string? ClientId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt);
