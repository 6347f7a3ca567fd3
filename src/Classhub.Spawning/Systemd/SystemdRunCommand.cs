using System.Globalization;
using Classhub.Core.Servers;

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
/// </summary>
internal static class SystemdRunCommand
{
    public static IReadOnlyList<string> Build(
        string unit,
        string user,
        string unixUser,
        string home,
        ResourceLimits limits,
        IReadOnlyList<Dataset> datasets,
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
            $"--property=User={unixUser}",
            "--property=WorkingDirectory=~",
            $"--property=EnvironmentFile={environmentFile}",
            "--property=StandardInput=null",
            $"--property=StandardOutput=append:{logPath}",
            $"--property=StandardError=append:{logPath}",
            "--property=KillMode=control-group",
        };

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

        foreach (var dataset in datasets)
        {
            // A leading '-' would make a missing source non-fatal; a course without its data should fail loudly.
            // An unnamed dataset is the hub's per-user tree of read-only mounts (a shared mount point): bound onto
            // ~/datasets, datasets the hub mounts there later propagate into the running unit.
            var target = dataset.Name.Length == 0 ? $"{home}/datasets" : $"{home}/datasets/{dataset.Name}";
            argv.Add($"--property=BindReadOnlyPaths={dataset.Source}:{target}");
        }

        argv.Add("--");
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
}
