using Classhub.Core.Users;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Users;

/// <summary>Hub users and their password hashes.</summary>
internal sealed class UserStore(HubDatabase database, TimeProvider time)
{
    private const string Columns = "id AS Id, name AS Name, admin AS Admin, disabled AS Disabled, password_hash AS PasswordHash, created_at AS CreatedAt, last_activity AS LastActivity";

    public StoredUser? Find(string name)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<UserRow>($"SELECT {Columns} FROM users WHERE name = @name", new { name });
        return row is null ? null : Map(row);
    }

    public StoredUser? FindById(long id)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<UserRow>($"SELECT {Columns} FROM users WHERE id = @id", new { id });
        return row is null ? null : Map(row);
    }

    public IReadOnlyList<StoredUser> List()
    {
        using var c = database.Open();
        return c.Query<UserRow>($"SELECT {Columns} FROM users ORDER BY name").Select(Map).ToList();
    }

    /// <summary>Adds a user; returns null when the name is taken.</summary>
    public StoredUser? Add(string name, bool admin, string? passwordHash = null)
    {
        using var c = database.Open();
        var created = Clock.ToDb(time.GetUtcNow());
        var id = c.QuerySingleOrDefault<long?>(
            "INSERT INTO users (name, admin, password_hash, created_at) VALUES (@name, @admin, @passwordHash, @created) ON CONFLICT(name) DO NOTHING RETURNING id",
            new { name, admin, passwordHash, created });
        return id is null ? null : FindById(id.Value);
    }

    public bool SetDisabled(string name, bool disabled)
    {
        using var c = database.Open();
        return c.Execute("UPDATE users SET disabled = @disabled WHERE name = @name", new { name, disabled }) > 0;
    }

    public bool SetAdmin(string name, bool admin)
    {
        using var c = database.Open();
        return c.Execute("UPDATE users SET admin = @admin WHERE name = @name", new { name, admin }) > 0;
    }

    public bool SetPasswordHash(string name, string passwordHash)
    {
        using var c = database.Open();
        return c.Execute("UPDATE users SET password_hash = @passwordHash WHERE name = @name", new { name, passwordHash }) > 0;
    }

    public bool Delete(string name)
    {
        using var c = database.Open();
        return c.Execute("DELETE FROM users WHERE name = @name", new { name }) > 0;
    }

    public void TouchActivity(long userId, DateTimeOffset when)
    {
        using var c = database.Open();
        var at = Clock.ToDb(when);
        c.Execute("UPDATE users SET last_activity = @at WHERE id = @userId AND (last_activity IS NULL OR last_activity < @at)", new { userId, at });
    }

    private static StoredUser Map(UserRow r) =>
        new(r.Id, new User(r.Name, r.Admin, r.Disabled, Clock.FromDb(r.CreatedAt), Clock.FromDb(r.LastActivity)), r.PasswordHash);
}

/// <summary>A user with its database id and password hash (the hash never leaves the hub).</summary>
internal sealed record StoredUser(long Id, User User, string? PasswordHash)
{
    public string Name => User.Name;
}
