using Classhub.Core.Security;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Invites;

/// <summary>
/// One-time codes that let a person set their password (invite links). Only hashes are stored. A hub user whose Unix
/// account was proved with PAM signs in with that account's password only: no code works for them, so nobody can give
/// them a second, hub-only password that would start a server as the account.
/// </summary>
internal sealed class InviteStore(HubDatabase database, TimeProvider time)
{
    private const string NotPamBound = "NOT EXISTS (SELECT 1 FROM unix_accounts a WHERE a.user_id = invites.user_id AND a.origin = 'pam')";

    public string Create(long userId, TimeSpan validFor)
    {
        var code = Secrets.New();
        using var c = database.Open();
        c.Execute(
            "INSERT INTO invites (code_hash, user_id, expires_at) VALUES (@hash, @userId, @expires)",
            new { hash = Secrets.Hash(code), userId, expires = Clock.ToDb(time.GetUtcNow() + validFor) });
        return code;
    }

    /// <summary>The user id the code was made for, if it is unused and not expired; does not use it up.</summary>
    public long? Peek(string code)
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        return c.QuerySingleOrDefault<long?>(
            $"SELECT user_id FROM invites WHERE code_hash = @hash AND used_at IS NULL AND expires_at > @now AND {NotPamBound}",
            new { hash = Secrets.Hash(code), now });
    }

    /// <summary>Uses the code up and sets the user's password hash in one transaction; null when the code is not valid.</summary>
    public long? Redeem(string code, string passwordHash)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction();
        var now = Clock.ToDb(time.GetUtcNow());
        var userId = c.QuerySingleOrDefault<long?>(
            $"UPDATE invites SET used_at = @now WHERE code_hash = @hash AND used_at IS NULL AND expires_at > @now AND {NotPamBound} RETURNING user_id",
            new { hash = Secrets.Hash(code), now },
            tx);
        if (userId is null)
        {
            return null;
        }

        c.Execute("UPDATE users SET password_hash = @passwordHash WHERE id = @userId", new { passwordHash, userId }, tx);
        tx.Commit();
        return userId;
    }
}
