using Classhub.Core.Servers;
using Classhub.Core.Users;

namespace Classhub.Spawning.Systemd;

/// <summary>Settings of <see cref="SystemdSpawner"/>; the defaults fit a Debian server with systemd as PID 1.</summary>
internal sealed record SystemdSpawnerOptions
{
    /// <summary>The program the hub's default command starts; <see cref="SystemdSpawner.CheckHealthAsync"/> looks for it.</summary>
    public string Program { get; init; } = "jupyterhub-singleuser";

    /// <summary>Limits for a server whose request leaves a limit unset (spawner.memory_limit, ... in the configuration).</summary>
    public ResourceLimits DefaultLimits { get; init; } = ResourceLimits.None;

    /// <summary>Which accounts a server may run as at all (checked again right before the launch).</summary>
    public AccountRules Accounts { get; init; } = new();

    /// <summary>
    /// The classhub executable, run first in the unit as <c>classhub internal mount-datasets</c> to put the datasets at
    /// <c>~/datasets</c> inside the unit's mount namespace (the composition passes the running binary's own path).
    /// </summary>
    public string HelperPath { get; init; } = "/usr/bin/classhub";

    public string SetprivPath { get; init; } = "/usr/bin/setpriv";

    /// <summary>PATH given to servers, and where programs named without a '/' are looked up.</summary>
    public string SearchPath { get; init; } = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>The loopback address servers listen on.</summary>
    public string ListenHost { get; init; } = "127.0.0.1";

    /// <summary>Where the 0600 per-user environment files (secrets included) are written; root only.</summary>
    public string EnvironmentDir { get; init; } = "/run/classhub/env";

    /// <summary>Units are named <c>PREFIX&lt;user&gt;.service</c>.</summary>
    public string UnitPrefix { get; init; } = "classhub-server-";

    /// <summary>How often Stop checks whether the unit has stopped.</summary>
    public TimeSpan StopPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long Stop waits for the unit to stop after SIGKILL.</summary>
    public TimeSpan KillWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Exists while systemd is the init system (sd_booted(3)).</summary>
    public string SystemdRuntimeDir { get; init; } = "/run/systemd/system";

    public string SystemdRunPath { get; init; } = "/usr/bin/systemd-run";

    public string SystemctlPath { get; init; } = "/usr/bin/systemctl";
}
