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
/// With a dataset root (root only), <c>unshare --mount --propagation slave</c> comes right after setsid, giving the
/// server its own mount namespace in which every mount is a slave of the host's; sh, still root, then rbinds the
/// root (with the datasets already under it) onto <c>~/datasets</c> (made if missing, owned by the user; refused if it is a symlink) and remounts that
/// read-only. Mounts the hub adds under the root later propagate into the namespace; the student cannot undo
/// any of it (no capabilities after setpriv). unshare without --fork execs, so the PID is still the server's.
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

    // $2 dataset root, $3 ~/datasets, $4 uid:gid, $5 mount; exit codes 70-72 say which step failed (logged too).
    private const string DatasetScript =
        "log=$1; src=$2; dst=$3; owner=$4; mnt=$5; shift 5; unset PWD; " +
        "if [ -L \"$dst\" ]; then echo \"classhub: $dst is a symlink; not mounting datasets there\" >>\"$log\"; exit 70; fi; " +
        "if [ ! -d \"$dst\" ]; then mkdir \"$dst\" && chown \"$owner\" \"$dst\" || exit 71; fi; " +
        "\"$mnt\" --rbind \"$src\" \"$dst\" && \"$mnt\" -o remount,bind,ro \"$dst\" || { echo \"classhub: could not mount datasets at $dst\" >>\"$log\"; exit 72; }; " +
        "exec \"$@\" </dev/null >>\"$log\" 2>&1";

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
        List<string> argv;
        if (datasetRoot is not null && runAs is not null)
        {
            argv =
            [
                options.SetsidPath, options.UnsharePath, "--mount", "--propagation", "slave", "--",
                options.ShellPath, "-c", hold + DatasetScript, "sh", logPath,
                datasetRoot, Path.Combine(runAs.Home, "datasets"), Invariant($"{runAs.Uid}:{runAs.Gid}"), options.MountPath,
            ];
        }
        else
        {
            argv = [options.SetsidPath, options.ShellPath, "-c", hold + ShellScript, "sh", logPath];
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
            argv.Add(options.SetprivPath);
            argv.Add(Invariant($"--reuid={runAs.Uid}"));
            argv.Add(Invariant($"--regid={runAs.Gid}"));
            argv.Add(runAs.Groups.Count > 0 ? "--groups=" + string.Join(',', runAs.Groups.Select(Invariant)) : "--clear-groups");
            argv.Add("--");
        }

        argv.Add(programPath);
        argv.AddRange(programArguments);
        return argv;
    }

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
