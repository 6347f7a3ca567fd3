using System.Globalization;
using System.Text.RegularExpressions;
using Classhub.Core.Servers;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Unix;

namespace Classhub.Spawning.Systemd;

/// <summary>
/// The <c>systemd-run</c> arguments that start a server as a transient service. Everything secret is in the
/// environment file; the arguments hold only names, paths, limits and the port, and are safe to log.
/// <para>
/// Type=exec makes systemd-run fail when the program cannot be executed (instead of a unit that dies at once).
/// The unit is started by PID 1, not by the hub, so it is outside classhub.service's cgroup and survives a hub
/// restart or upgrade. It stays loaded after a failure (no --collect) so Poll can read the exit status; Stop
/// clears it with reset-failed.
/// </para>
/// <para>
/// Datasets are not BindReadOnlyPaths onto <c>~/datasets</c>: systemd resolves that path inside the student's home as
/// root when the unit starts, follows a symlink there (mounting the tree over its target) and even makes a missing
/// target anywhere, as root (seen with systemd 252). Nor an <c>ExecStartPre=!</c> step: each of a unit's processes gets
/// a mount namespace of its own, so a mount made by the pre-step is gone when the server starts. Instead, with a
/// dataset root, the unit (PrivateMounts=yes: its own namespace, a slave of the host's, so datasets the hub adds later
/// still arrive) runs the local-process spawner's chain from the mount step on: <c>classhub internal mount-datasets</c>
/// as root (<see cref="Datasets.DatasetsMountStep"/>, by descriptor), then setpriv to the account, then the server.
/// The unit then has no User=: the chain drops to the account (and HOME, USER, LOGNAME, SHELL come with the
/// environment file), exactly as a local server's does.
/// </para>
/// </summary>
internal static partial class SystemdRunCommand
{
    /// <summary>Null when <paramref name="word"/> can go on an Exec line as it is (no quoting, no $ or % expansion); else why not.</summary>
    public static string? ExecWordProblem(string word) =>
        PlainWord().IsMatch(word) ? null : $"'{word}' has characters that a systemd command line would expand or split (use letters, digits and _ . / : + @ -)";

    public static IReadOnlyList<string> Build(
        string unit,
        string user,
        UnixAccount account,
        ResourceLimits limits,
        string? datasetRoot,
        LaunchCommand.RootSteps steps,
        string environmentFile,
        string logPath,
        string programPath,
        IEnumerable<string> programArguments)
    {
        var argv = new List<string>
        {
            "--quiet",
            "--no-ask-password",
            $"--unit={unit}",
            $"--description=classhub server for {user}",
            "--property=Type=exec",
            $"--property=EnvironmentFile={environmentFile}",
            "--property=StandardInput=null",
            $"--property=StandardOutput=append:{logPath}",
            $"--property=StandardError=append:{logPath}",
            "--property=KillMode=control-group",
        };

        argv.AddRange(datasetRoot is null
            ? [$"--property=User={account.Name}", "--property=WorkingDirectory=~"]
            : ["--property=PrivateMounts=yes", $"--property=WorkingDirectory={account.Home}"]);

        if (limits.MemoryBytes is { } memory)
        {
            argv.Add(Invariant($"--property=MemoryMax={memory}"));
            argv.Add("--property=MemorySwapMax=0");
        }

        if (limits.Cpus is { } cpus)
        {
            argv.Add(Invariant($"--property=CPUQuota={Math.Max(1, (int)Math.Round(cpus * 100))}%"));
        }

        if (limits.Tasks is { } tasks)
        {
            argv.Add(Invariant($"--property=TasksMax={tasks}"));
        }

        if (limits.OpenFiles is { } files)
        {
            argv.Add(Invariant($"--property=LimitNOFILE={files}"));
        }

        argv.Add("--");
        if (datasetRoot is not null)
        {
            argv.AddRange(LaunchCommand.MountDatasetsCommand(steps.HelperPath, datasetRoot, account.Home, account.Uid, account.Gid));
            argv.Add("--");
            argv.AddRange(LaunchCommand.SetprivCommand(steps.SetprivPath, account));
        }

        argv.Add(programPath);
        argv.AddRange(programArguments);
        return argv;
    }

    /// <summary>Request limits win; a limit the request leaves unset comes from <paramref name="defaults"/>.</summary>
    public static ResourceLimits Merge(ResourceLimits request, ResourceLimits defaults) => new(
        request.MemoryBytes ?? defaults.MemoryBytes,
        request.Cpus ?? defaults.Cpus,
        request.Tasks ?? defaults.Tasks,
        request.OpenFiles ?? defaults.OpenFiles);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9_./:+@-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainWord();
}
