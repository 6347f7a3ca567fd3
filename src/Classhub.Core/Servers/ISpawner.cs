namespace Classhub.Core.Servers;

/// <summary>
/// Starts, watches and stops one user's single-user server. This is the plug point between the hub and where
/// servers run (a local process, a systemd unit, a cluster job).
/// <para>Contract:</para>
/// <list type="bullet">
/// <item><see cref="StartAsync"/> launches the server and returns as soon as it knows where the server will listen
/// (it does not wait for HTTP readiness; the hub does that, polling <see cref="PollAsync"/> to notice an early exit).
/// It adds <c>JUPYTERHUB_SERVICE_URL</c> to the environment it was given, passes no secret on a command line, and
/// returns a <see cref="SpawnFailure"/> value for expected failures (missing program, no such Unix user, ...).
/// Cancellation stops a half-started server.
/// A spawner that only learns the address once the server runs elsewhere (a cluster job waiting in a queue) returns
/// at once with <see cref="SpawnResult.AwaitingAddress"/> (a <see cref="PendingServer"/>): the server itself reports its host and port to the hub
/// (<c>POST /hub/api/users/{name}/server/address</c>, authenticated with its own <c>JUPYTERHUB_API_TOKEN</c>), and
/// meanwhile <see cref="PollAsync"/> says <see cref="ServerStatus.Queued"/> with a detail for the spawn page.</item>
/// <item>The returned <see cref="SpawnedServer.State"/> is opaque to the hub and saved in the database as is.
/// <see cref="PollAsync"/> and <see cref="StopAsync"/> must work from that state alone, in a new hub process,
/// after the hub was restarted or killed: that is how servers survive a hub restart.</item>
/// <item><see cref="PollAsync"/> never throws for a server that is gone; it says <see cref="ServerStatus.Stopped"/>.</item>
/// <item><see cref="StopAsync"/> is idempotent: stopping a stopped server succeeds. It asks politely first
/// (SIGTERM or equivalent) and forces after <paramref name="grace"/>.</item>
/// </list>
/// </summary>
public interface ISpawner
{
    /// <summary>A short name for logs and health ("local-process", "systemd", "slurm").</summary>
    string Kind { get; }

    Task<SpawnResult> StartAsync(SpawnRequest request, CancellationToken cancellationToken);

    Task<ServerStatus> PollAsync(string state, CancellationToken cancellationToken);

    Task StopAsync(string state, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>Checks that this spawner can start servers at all (program found, privileges); for /hub/health.</summary>
    Task<SpawnerHealth> CheckHealthAsync(CancellationToken cancellationToken);
}
