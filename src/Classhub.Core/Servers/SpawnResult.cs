namespace Classhub.Core.Servers;

/// <summary>Where a started server listens, and the spawner's opaque state to save for re-attaching.</summary>
/// <param name="Url">Base URL of the server, e.g. <c>http://127.0.0.1:45123</c> (no trailing slash, no prefix); or null
/// when the spawner cannot know it yet (a queued cluster job): the server then reports its address itself with
/// <c>POST /hub/api/users/{name}/server/address</c> and its own token, and the hub waits for that report.</param>
/// <param name="State">Opaque to the hub; saved in the database and handed back to Poll/Stop.</param>
public sealed record SpawnedServer(Uri? Url, string State)
{
    /// <summary>
    /// With a null <see cref="Url"/>: how long the hub waits while <see cref="ISpawner.PollAsync"/> says
    /// <see cref="ServerStatus.Queued"/> (waiting for a node). The hub's start timeout counts only from the moment the
    /// server is no longer queued. Null: no separate queue limit (the start timeout covers the wait).
    /// </summary>
    public TimeSpan? QueueTimeout { get; init; }
}

/// <summary>An expected spawn failure: stable reason, and a message that says what was being done.</summary>
public sealed record SpawnFailure(string Reason, string Message);

/// <summary>Either a <see cref="SpawnedServer"/> or a <see cref="SpawnFailure"/>.</summary>
public sealed record SpawnResult(SpawnedServer? Server, SpawnFailure? Failure)
{
    public static SpawnResult Started(SpawnedServer server) => new(server, null);

    public static SpawnResult Failed(string reason, string message) => new(null, new SpawnFailure(reason, message));
}
