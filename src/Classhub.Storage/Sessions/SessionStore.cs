using Classhub.Core.Security;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Sessions;

/// <summary>Browser sessions. The cookie holds a random id; only its hash is stored.</summary>
internal sealed class SessionStore(HubDatabase database, TimeProvider time)
{
    public string Create(long userId, TimeSpan lifetime)
    {
        var id = Secrets.New();
        var now = time.GetUtcNow();
        using var c = database.Open();
        c.Execute(
            "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (@hash, @userId, @created, @expires)",
            new { hash = Secrets.Hash(id), userId, created = Clock.ToDb(now), expires = Clock.ToDb(now + lifetime) });
        return id;
    }

    /// <summary>The user id of a live session, or null.</summary>
    public long? FindUserId(string sessionId)
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        return c.QuerySingleOrDefault<long?>(
            "SELECT user_id FROM sessions WHERE id_hash = @hash AND expires_at > @now", new { hash = Secrets.Hash(sessionId), now });
    }

    public void Delete(string sessionId)
    {
        using var c = database.Open();
        c.Execute("DELETE FROM sessions WHERE id_hash = @hash", new { hash = Secrets.Hash(sessionId) });
    }

    public int DeleteForUser(long userId)
    {
        using var c = database.Open();
        return c.Execute("DELETE FROM sessions WHERE user_id = @userId", new { userId });
    }

    public int DeleteExpired()
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        return c.Execute("DELETE FROM sessions WHERE expires_at <= @now", new { now });
    }
}
