namespace Classhub.Core.Servers;

/// <summary>Where a started server listens, and the spawner's opaque state to save for re-attaching.</summary>
/// <param name="Url">Base URL of the server, e.g. <c>http://127.0.0.1:45123</c> (no trailing slash, no prefix).</param>
/// <param name="State">Opaque to the hub; saved in the database and handed back to Poll/Stop.</param>
public sealed record SpawnedServer(Uri Url, string State);

/// <summary>An expected spawn failure: stable reason, and a message that says what was being done.</summary>
public sealed record SpawnFailure(string Reason, string Message);

/// <summary>
/// A server that was launched but whose address is not known yet (a cluster job waiting in the queue): it reports its
/// host and port itself with <c>POST /hub/api/users/{name}/server/address</c> and its own token, and the hub waits.
/// </summary>
/// <param name="State">Opaque to the hub, as <see cref="SpawnedServer.State"/>.</param>
/// <param name="QueueTimeout">How long the hub waits while <see cref="ISpawner.PollAsync"/> says
/// <see cref="ServerStatus.Queued"/>; the start timeout counts only once it is no longer queued. Null: no separate limit.</param>
public sealed record PendingServer(string State, TimeSpan? QueueTimeout);

/// <summary>Either a <see cref="SpawnedServer"/>, a <see cref="PendingServer"/> (address reported later) or a <see cref="SpawnFailure"/>.</summary>
public sealed record SpawnResult(SpawnedServer? Server, SpawnFailure? Failure, PendingServer? Pending = null)
{
    public static SpawnResult Started(SpawnedServer server) => new(server, null);

    public static SpawnResult AwaitingAddress(string state, TimeSpan? queueTimeout) => new(null, null, new PendingServer(state, queueTimeout));

    public static SpawnResult Failed(string reason, string message) => new(null, new SpawnFailure(reason, message));
}
