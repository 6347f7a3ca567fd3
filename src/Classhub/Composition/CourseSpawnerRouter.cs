using Classhub.Core.Servers;
using Classhub.Spawning.Slurm;
using Classhub.Storage.Courses;

namespace Classhub.Composition;

/// <summary>
/// Picks the spawner per course: a user whose course chose <c>slurm</c> gets a cluster job with that course's
/// settings, everyone else the hub's default spawner. The state records who made it (<c>slurm:JOBID</c>; the
/// default spawner's state is kept as is, so rows saved before courses chose spawners still work), so Poll and
/// Stop go to the same spawner after a hub restart even if the course changed its choice meanwhile.
/// </summary>
internal sealed class CourseSpawnerRouter(ISpawner fallback, SlurmSpawner slurm, CourseSpawnerStore courses) : ISpawner
{
    private const string SlurmPrefix = "slurm:";

    public string Kind => fallback.Kind;

    public async Task<SpawnResult> StartAsync(SpawnRequest request, CancellationToken cancellationToken)
    {
        var course = courses.ForUser(request.UserName);
        if (course?.Spawner != slurm.Kind)
        {
            return await fallback.StartAsync(request, cancellationToken);
        }

        var settings = new SlurmJobSettings(course.Partition ?? "", course.TimeLimit ?? "", course.Memory ?? "", (int)(course.Cpus ?? 0), (int)(course.Gpus ?? 0));
        var result = await slurm.StartAsync(request, settings, cancellationToken);
        return result.Pending is { } pending ? SpawnResult.AwaitingAddress(SlurmPrefix + pending.State, pending.QueueTimeout)
            : result.Server is { } server ? SpawnResult.Started(server with { State = SlurmPrefix + server.State })
            : result;
    }

    public Task<ServerStatus> PollAsync(string state, CancellationToken cancellationToken) =>
        state.StartsWith(SlurmPrefix, StringComparison.Ordinal)
            ? slurm.PollAsync(state[SlurmPrefix.Length..], cancellationToken)
            : fallback.PollAsync(state, cancellationToken);

    public Task StopAsync(string state, TimeSpan grace, CancellationToken cancellationToken) =>
        state.StartsWith(SlurmPrefix, StringComparison.Ordinal)
            ? slurm.StopAsync(state[SlurmPrefix.Length..], grace, cancellationToken)
            : fallback.StopAsync(state, grace, cancellationToken);

    /// <summary>The default spawner's health, and Slurm's as well once some course uses it.</summary>
    public async Task<SpawnerHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var local = await fallback.CheckHealthAsync(cancellationToken);
        if (!courses.KindsInUse().Contains(slurm.Kind))
        {
            return local;
        }

        var cluster = await slurm.CheckHealthAsync(cancellationToken);
        return new SpawnerHealth(local.Healthy && cluster.Healthy, $"{local.Detail}; {cluster.Detail}");
    }
}
