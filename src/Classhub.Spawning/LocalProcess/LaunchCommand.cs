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
/// </summary>
internal static class LaunchCommand
{
    private const string ShellScript = "log=$1; shift; unset PWD; exec \"$@\" </dev/null >>\"$log\" 2>&1";

    public static IReadOnlyList<string> Build(
        LocalProcessSpawnerOptions options,
        UnixAccount? runAs,
        ResourceLimits limits,
        string programPath,
        IEnumerable<string> programArguments,
        string logPath)
    {
        var argv = new List<string> { options.SetsidPath, options.ShellPath, "-c", ShellScript, "sh", logPath };
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
