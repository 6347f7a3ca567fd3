using Classhub.Core.Users;

namespace Classhub.Spawning.LocalProcess;

/// <summary>Settings of <see cref="LocalProcessSpawner"/>; the defaults fit a Debian server.</summary>
internal sealed record LocalProcessSpawnerOptions
{
    /// <summary>The program the hub's default command starts; <see cref="LocalProcessSpawner.CheckHealthAsync"/> looks for it.</summary>
    public string Program { get; init; } = "jupyterhub-singleuser";

    /// <summary>Which accounts a server may run as at all (checked again right before the launch).</summary>
    public AccountRules Accounts { get; init; } = new();

    /// <summary>
    /// The classhub executable, run as <c>classhub internal mount-datasets</c> in the server's launch chain to put the
    /// datasets at <c>~/datasets</c> (the composition passes the running binary's own path).
    /// </summary>
    public string HelperPath { get; init; } = "/usr/bin/classhub";

    /// <summary>PATH given to servers, and where programs named without a '/' are looked up.</summary>
    public string SearchPath { get; init; } = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>The loopback address servers listen on.</summary>
    public string ListenHost { get; init; } = "127.0.0.1";

    /// <summary>
    /// When positive, Start waits this long and turns an exit within it into a failure carrying the log's tail;
    /// zero returns at once and leaves early exits to Poll.
    /// </summary>
    public TimeSpan StartGrace { get; init; } = TimeSpan.Zero;

    /// <summary>How often Stop checks whether the process group is gone.</summary>
    public TimeSpan StopPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long Stop waits for the group to disappear after SIGKILL.</summary>
    public TimeSpan KillWait { get; init; } = TimeSpan.FromSeconds(5);

    public string ShellPath { get; init; } = "/bin/sh";

    public string SetsidPath { get; init; } = "/usr/bin/setsid";

    public string SetprivPath { get; init; } = "/usr/bin/setpriv";

    public string PrlimitPath { get; init; } = "/usr/bin/prlimit";

    public string UnsharePath { get; init; } = "/usr/bin/unshare";

    public string ProcRoot { get; init; } = "/proc";
}
