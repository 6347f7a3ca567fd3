using Classhub.Core.Servers;
using Classhub.Storage.Database;
using Dapper;

namespace Classhub.Storage.Servers;

/// <summary>Each user's server: phase, where it listens and the spawner's opaque state (for re-attaching after a restart).</summary>
internal sealed class ServerStore(HubDatabase database)
{
    private const string Select = "SELECT s.user_id AS UserId, u.name AS UserName, s.phase AS Phase, s.url AS Url, s.spawner AS Spawner, s.state AS State, s.started_at AS StartedAt, s.last_activity AS LastActivity, s.last_error AS LastError FROM servers s JOIN users u ON u.id = s.user_id";

    public StoredServer? Find(long userId)
    {
        using var c = database.Open();
        var row = c.QuerySingleOrDefault<ServerRow>($"{Select} WHERE s.user_id = @userId", new { userId });
        return row is null ? null : Map(row);
    }

    public IReadOnlyList<StoredServer> List()
    {
        using var c = database.Open();
        return c.Query<ServerRow>($"{Select} ORDER BY u.name").Select(Map).ToList();
    }

    /// <summary>Servers the hub believes are starting or running (to re-attach at start-up).</summary>
    public IReadOnlyList<StoredServer> ListActive()
    {
        using var c = database.Open();
        return c.Query<ServerRow>($"{Select} WHERE s.phase <> 0 ORDER BY u.name").Select(Map).ToList();
    }

    public void Save(long userId, ServerPhase phase, Uri? url, string? spawner, string? state, DateTimeOffset? startedAt, string? lastError)
    {
        using var c = database.Open();
        c.Execute(
            """
            INSERT INTO servers (user_id, phase, url, spawner, state, started_at, last_error)
            VALUES (@userId, @phase, @url, @spawner, @state, @started, @lastError)
            ON CONFLICT(user_id) DO UPDATE SET phase = excluded.phase, url = excluded.url, spawner = excluded.spawner,
                state = excluded.state, started_at = excluded.started_at, last_error = excluded.last_error
            """,
            new { userId, phase = (int)phase, url = url?.ToString(), spawner, state, started = Clock.ToDb(startedAt), lastError });
    }

    public void TouchActivity(long userId, DateTimeOffset when)
    {
        using var c = database.Open();
        var at = Clock.ToDb(when);
        c.Execute("UPDATE servers SET last_activity = @at WHERE user_id = @userId AND (last_activity IS NULL OR last_activity < @at)", new { userId, at });
    }

    private static StoredServer Map(ServerRow r) => new(
        r.UserId,
        r.UserName,
        (ServerPhase)r.Phase,
        r.Url is null ? null : new Uri(r.Url),
        r.Spawner,
        r.State,
        Clock.FromDb(r.StartedAt),
        Clock.FromDb(r.LastActivity),
        r.LastError);
}

internal sealed record StoredServer(
    long UserId,
    string UserName,
    ServerPhase Phase,
    Uri? Url,
    string? Spawner,
    string? State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastActivity,
    string? LastError);
