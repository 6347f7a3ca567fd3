namespace Classhub.Core.Servers;

/// <summary>Where a started server listens, and the spawner's opaque state to save for re-attaching.</summary>
/// <param name="Url">Base URL of the server, e.g. <c>http://127.0.0.1:45123</c> (no trailing slash, no prefix).</param>
/// <param name="State">Opaque to the hub; saved in the database and handed back to Poll/Stop.</param>
public sealed record SpawnedServer(Uri Url, string State);

/// <summary>An expected spawn failure: stable reason, and a message that says what was being done.</summary>
public sealed record SpawnFailure(string Reason, string Message);

/// <summary>Either a <see cref="SpawnedServer"/> or a <see cref="SpawnFailure"/>.</summary>
public sealed record SpawnResult(SpawnedServer? Server, SpawnFailure? Failure)
{
    public static SpawnResult Started(SpawnedServer server) => new(server, null);

    public static SpawnResult Failed(string reason, string message) => new(null, new SpawnFailure(reason, message));
}
