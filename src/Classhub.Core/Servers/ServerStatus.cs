namespace Classhub.Core.Servers;

/// <summary>What a spawner knows about a server it started.</summary>
/// <param name="Running">True while the server process (or unit, or job) is alive.</param>
/// <param name="ExitCode">When stopped: the exit code if known, else null.</param>
/// <param name="Detail">A human-readable note ("waiting for a node: position 3", "exited with code 1", "job cancelled by Slurm").</param>
/// <param name="Queued">With <paramref name="Running"/>: alive but not started yet, waiting for resources (a queued
/// cluster job); <paramref name="Detail"/> then says what it is waiting for, for the spawn page.</param>
public sealed record ServerStatus(bool Running, int? ExitCode, string? Detail, bool Queued = false)
{
    public static readonly ServerStatus Alive = new(true, null, null);

    public static ServerStatus Waiting(string detail) => new(true, null, detail, Queued: true);

    public static ServerStatus Stopped(int? exitCode = null, string? detail = null) => new(false, exitCode, detail);
}

/// <summary>The result of <see cref="ISpawner.CheckHealthAsync"/>.</summary>
public sealed record SpawnerHealth(bool Healthy, string Detail);
