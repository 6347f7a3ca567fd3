using System.Globalization;
using Classhub.Core.Servers;
using Classhub.Spawning.Unix;

namespace Classhub.Spawning.LocalProcess;

/// <summary>
/// Builds the exec chain that starts a server; every link execs the next, so the PID the hub sees is the server's:
/// <c>setsid</c> (own session and process group, so Stop can signal the whole group) →
/// <c>sh</c> (still root: opens the log for append and points stdin at /dev/null, so the server holds no pipe to
/// the hub and survives it) → <c>prlimit</c> (rlimits, when asked) → <c>setpriv</c> (uid, gid, groups; only
/// when a Unix account is given) → the program with its listen arguments. The log path travels as an argument,
/// and sh's own PWD is unset, so the environment the server sees is exactly the one the spawner built.
/// With a dataset root (root only), <c>unshare --mount --propagation slave</c> follows sh, giving the server its own
/// mount namespace in which every mount is a slave of the host's (the hub is multi-threaded and cannot unshare
/// itself), then <c>classhub internal mount-datasets</c> (see <see cref="Datasets.DatasetsMountStep"/>) puts the tree
/// read-only at <c>~/datasets</c> by descriptor, never by a path inside the home, and execs the rest. Mounts the hub
/// adds under the root later propagate into the namespace; the student cannot undo any of it (no capabilities after
/// setpriv). Neither unshare (without --fork) nor the helper forks, so the PID is still the server's.
/// When <c>held</c>, sh first waits for the line "go" on its standard input (a pipe only the hub writes to) and exits
/// with <see cref="NotReleasedExitCode"/> without running anything when the pipe closes first: a hub killed before it
/// recorded the server leaves no server behind (see <see cref="SpawnRequest.Placed"/>).
/// </summary>
internal static class LaunchCommand
{
    /// <summary>How a held launch ends when the hub never released it (it died first).</summary>
    public const int NotReleasedExitCode = 75;

    private const string ShellScript = "log=$1; shift; unset PWD; exec \"$@\" </dev/null >>\"$log\" 2>&1";

    private const string Hold = "read -r go || exit 75; [ \"$go\" = go ] || exit 75; ";

    public static IReadOnlyList<string> Build(
        LocalProcessSpawnerOptions options,
        UnixAccount? runAs,
        ResourceLimits limits,
        string programPath,
        IEnumerable<string> programArguments,
        string logPath,
        string? datasetRoot = null,
        bool held = false)
    {
        var hold = held ? Hold : "";
        List<string> argv = [options.SetsidPath, options.ShellPath, "-c", hold + ShellScript, "sh", logPath];
        if (datasetRoot is not null && runAs is not null)
        {
            argv.AddRange([options.UnsharePath, "--mount", "--propagation", "slave", "--"]);
            argv.AddRange(MountDatasetsCommand(options.HelperPath, datasetRoot, runAs.Home, runAs.Uid, runAs.Gid));
            argv.Add("--");
        }

        var rlimits = RLimitArguments(limits);
        if (rlimits.Count > 0)
        {
            argv.Add(options.PrlimitPath);
            argv.AddRange(rlimits);
            argv.Add("--");
        }

        if (runAs is not null)
        {
            argv.AddRange(SetprivCommand(options.SetprivPath, runAs));
        }

        argv.Add(programPath);
        argv.AddRange(programArguments);
        return argv;
    }

    /// <summary>Where the root steps of a launch are (the systemd spawner runs some of them too).</summary>
    internal sealed record RootSteps(string HelperPath, string SetprivPath);

    /// <summary><c>setpriv --reuid=UID --regid=GID --groups=… --</c>: the drop from root to the account, before the program.</summary>
    public static IReadOnlyList<string> SetprivCommand(string setprivPath, UnixAccount account) =>
    [
        setprivPath,
        Invariant($"--reuid={account.Uid}"),
        Invariant($"--regid={account.Gid}"),
        account.Groups.Count > 0 ? "--groups=" + string.Join(',', account.Groups.Select(Invariant)) : "--clear-groups",
        "--",
    ];

    /// <summary><c>HELPER internal mount-datasets SOURCE HOME UID GID</c>: what the executable's internal command parses.</summary>
    public static IReadOnlyList<string> MountDatasetsCommand(string helperPath, string source, string home, uint uid, uint gid) =>
        [helperPath, "internal", "mount-datasets", source, home, Invariant(uid), Invariant(gid)];

    private static List<string> RLimitArguments(ResourceLimits limits)
    {
        var args = new List<string>();
        if (limits.OpenFiles is { } files)
        {
            args.Add(Invariant($"--nofile={files}"));
        }

        if (limits.Tasks is { } tasks)
        {
            args.Add(Invariant($"--nproc={tasks}"));
        }

        if (limits.MemoryBytes is { } memory)
        {
            args.Add(Invariant($"--as={memory}"));
        }

        return args;
    }

    private static string Invariant(uint value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
