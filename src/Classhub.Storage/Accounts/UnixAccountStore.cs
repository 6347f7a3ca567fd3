using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Accounts;

/// <summary>Why the hub may run a hub user's server as a Unix account (the <c>origin</c> column).</summary>
internal enum AccountOrigin
{
    /// <summary>classhub made it with useradd for this hub user.</summary>
    Created,

    /// <summary>An admin linked it with <c>classhub user link</c>.</summary>
    Linked,

    /// <summary>Its owner signed in to the hub with its Unix password (PAM, when an admin enabled it).</summary>
    Pam,

    /// <summary>An older classhub made it for this hub user before accounts were recorded (found on upgrade).</summary>
    Adopted,
}

/// <summary>A recorded Unix account; <see cref="Uid"/> is null while classhub is creating it.</summary>
internal sealed record StoredUnixAccount(string UnixName, long? UserId, uint? Uid, AccountOrigin Origin, DateTimeOffset RecordedAt)
{
    /// <summary>classhub made it (now or in an earlier version): its home is classhub's to keep private, and uninstall removes it.</summary>
    public bool MadeByClasshub => Origin is AccountOrigin.Created or AccountOrigin.Adopted;
}

/// <summary>
/// The Unix account of each hub user (<c>unix_accounts</c>). One account per hub user and one hub user per account;
/// callers hold the account lock (<see cref="Core.Users.IAccountDirectory.LockAsync"/>) around look-then-write.
/// </summary>
internal sealed class UnixAccountStore(HubDatabase database, TimeProvider time)
{
    private const string Columns = "unix_name AS UnixName, user_id AS UserId, uid AS Uid, origin AS Origin, recorded_at AS RecordedAt";

    public StoredUnixAccount? ForUser(long userId)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<UnixAccountRow>($"SELECT {Columns} FROM unix_accounts WHERE user_id = @userId", new { userId });
        return row is null ? null : Map(row);
    }

    public StoredUnixAccount? ForAccount(string unixName)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<UnixAccountRow>($"SELECT {Columns} FROM unix_accounts WHERE unix_name = @unixName", new { unixName });
        return row is null ? null : Map(row);
    }

    /// <summary>Every account classhub made (created or adopted), bound to a hub user or left from a deleted one.</summary>
    public IReadOnlyList<StoredUnixAccount> MadeByClasshub()
    {
        using var c = database.Open();
        return c.Query<UnixAccountRow>($"SELECT {Columns} FROM unix_accounts WHERE origin IN ('created', 'adopted') ORDER BY unix_name").Select(Map).ToList();
    }

    /// <summary>Records that classhub is about to create <paramref name="unixName"/> for the user (uid not known yet); false when the name is recorded already.</summary>
    public bool BeginCreate(long userId, string unixName)
    {
        using var c = database.Open();
        var now = Clock.ToDb(time.GetUtcNow());
        return c.Execute(
            "INSERT INTO unix_accounts (unix_name, user_id, uid, origin, recorded_at) VALUES (@unixName, @userId, NULL, 'created', @now) ON CONFLICT DO NOTHING",
            new { unixName, userId, now }) > 0;
    }

    /// <summary>Sets (or clears, with null) the uid recorded for an account.</summary>
    public void SetUid(string unixName, uint? uid)
    {
        using var c = database.Open();
        var value = (long?)uid;
        c.Execute("UPDATE unix_accounts SET uid = @value WHERE unix_name = @unixName", new { unixName, value });
    }

    /// <summary>
    /// Binds the user to <paramref name="unixName"/> with the given uid and origin: the user's previous binding is
    /// released first (<see cref="Unlink"/>), and a record for the account itself (left by a deleted hub user) is
    /// taken over. The caller has checked that the account is not another hub user's.
    /// </summary>
    public void Bind(long userId, string unixName, uint uid, AccountOrigin origin)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        Release(c, tx, userId);
        var now = Clock.ToDb(time.GetUtcNow());
        var value = (long)uid;
        var text = Name(origin);
        c.Execute(
            "INSERT INTO unix_accounts (unix_name, user_id, uid, origin, recorded_at) VALUES (@unixName, @userId, @value, @text, @now) " +
            "ON CONFLICT(unix_name) DO UPDATE SET user_id = excluded.user_id, uid = excluded.uid, origin = excluded.origin, recorded_at = excluded.recorded_at",
            new { unixName, userId, value, text, now },
            tx);
        tx.Commit();
    }

    /// <summary>
    /// Ends the user's binding: an account classhub made stays recorded without a user (uninstall still knows it); a
    /// linked or PAM-proved account is forgotten (it was never classhub's). False when the user had none.
    /// </summary>
    public bool Unlink(long userId)
    {
        using var c = database.Open();
        using var tx = c.BeginTransaction(deferred: false);
        var released = Release(c, tx, userId);
        tx.Commit();
        return released;
    }

    /// <summary>Forgets an account altogether (it was removed, or its creation failed).</summary>
    public void Forget(string unixName)
    {
        using var c = database.Open();
        c.Execute("DELETE FROM unix_accounts WHERE unix_name = @unixName", new { unixName });
    }

    /// <summary>On an upgrade, when accounts started being recorded; null on a hub that recorded them from the start.</summary>
    public DateTimeOffset? RecordedFrom()
    {
        using var c = database.Open();
        return Clock.FromDb(c.QuerySingleOrDefault<long?>("SELECT MIN(recorded_from) FROM unix_accounts_since"));
    }

    private static bool Release(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction tx, long userId)
    {
        var forgotten = c.Execute("DELETE FROM unix_accounts WHERE user_id = @userId AND origin IN ('linked', 'pam')", new { userId }, tx);
        var kept = c.Execute("UPDATE unix_accounts SET user_id = NULL WHERE user_id = @userId", new { userId }, tx);
        return forgotten + kept > 0;
    }

    private static string Name(AccountOrigin origin) => origin switch
    {
        AccountOrigin.Created => "created",
        AccountOrigin.Linked => "linked",
        AccountOrigin.Pam => "pam",
        _ => "adopted",
    };

    private static StoredUnixAccount Map(UnixAccountRow r) => new(
        r.UnixName,
        r.UserId,
        r.Uid is { } uid ? (uint)uid : null,
        r.Origin switch
        {
            "created" => AccountOrigin.Created,
            "linked" => AccountOrigin.Linked,
            "pam" => AccountOrigin.Pam,
            _ => AccountOrigin.Adopted,
        },
        Clock.FromDb(r.RecordedAt));
}
