using Classhub.Hub.Api;
using Classhub.Hub.Hosting;
using Classhub.Storage.Database;

namespace Classhub.Hub.Health;

/// <summary>
/// The free space on the data dir's disk, for <c>/hub/health</c>: below <see cref="HubOptions.MinFreeBytes"/>
/// (health.min_free_mb) the hub is "degraded". The hub still answers, but a full disk stops sign-ins (a session is a
/// write), roster imports, pushes and submissions, so the operator hears of it before the students do.
/// </summary>
internal sealed class DiskSpace(HubOptions options)
{
    public HealthCheckModel Check()
    {
        var threshold = $"health.min_free_mb is {options.MinFreeBytes / (1024 * 1024)}";
        if (StorageFailure.FreeBytes(options.DataDir) is not { } free)
        {
            return new HealthCheckModel(false, $"cannot read the free space of {options.DataDir}; check that it exists and is mounted");
        }

        return free < options.MinFreeBytes
            ? new HealthCheckModel(false, $"{StorageFailure.Size(free)} free on the disk holding {options.DataDir} ({threshold}); free space there (df -h {options.DataDir}) before it fills: a full disk stops sign-ins, imports and submissions")
            : new HealthCheckModel(true, $"{StorageFailure.Size(free)} free on the disk holding {options.DataDir} ({threshold})");
    }
}
