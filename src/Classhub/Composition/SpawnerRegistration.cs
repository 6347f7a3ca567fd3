using Classhub.Core.Servers;
using Classhub.Hosting;
using Classhub.Hub.Hosting;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Slurm;
using Classhub.Spawning.Systemd;
using Classhub.Storage.Courses;

namespace Classhub.Composition;

/// <summary>
/// Chooses where servers run: <c>auto</c> picks transient systemd units when systemd is PID 1 and the hub runs
/// servers as Unix users (root), else local processes; <c>local-process</c> and <c>systemd</c> force one. Courses
/// set to <c>slurm</c> get cluster jobs instead (<see cref="CourseSpawnerRouter"/>).
/// </summary>
internal static class SpawnerRegistration
{
    public const string Auto = "auto";
    public const string LocalProcess = "local-process";
    public const string Systemd = "systemd";

    public static readonly IReadOnlyList<string> Kinds = [Auto, LocalProcess, Systemd];

    private const string Fallback = "fallback";

    /// <param name="services">The hub's services.</param>
    /// <param name="options">The hub's options (server command, Unix users or not).</param>
    /// <param name="kind"><c>auto</c>, <c>local-process</c> or <c>systemd</c> (spawner.kind); anything else throws.</param>
    /// <param name="limits">Per-server limits (spawner.memory_limit, ..., see <see cref="SpawnerLimits"/>); null for none.</param>
    /// <param name="slurm">Hub-wide Slurm settings for courses that choose the cluster.</param>
    public static IServiceCollection AddSpawner(this IServiceCollection services, HubOptions options, string kind, ResourceLimits? limits, SlurmSpawnerOptions slurm)
    {
        services.AddSingleton<IProcessRunner, ProcessRunner>();

        // Under systemd, Type=notify in classhub.service waits for READY=1; elsewhere the notifier does nothing.
        services.AddHostedService<SystemdNotifier>();

        // The spawners run this very binary as a root step of each launch (classhub internal mount-datasets).
        var helper = Environment.ProcessPath ?? "/usr/bin/classhub";
        if (Choose(kind, options.RunAsUnixUsers, SystemdSpawner.IsSystemdRunning()) == Systemd)
        {
            var systemd = new SystemdSpawnerOptions { Program = options.ServerCommand[0], Accounts = options.Accounts, HelperPath = helper };
            services.AddSingleton(limits is null ? systemd : systemd with { DefaultLimits = limits });
            services.AddSingleton<SystemdSpawner>();
            services.AddKeyedSingleton<ISpawner>(Fallback, (sp, _) => sp.GetRequiredService<SystemdSpawner>());
        }
        else
        {
            services.AddSingleton(new LocalProcessSpawnerOptions { Program = options.ServerCommand[0], Accounts = options.Accounts, HelperPath = helper });
            services.AddSingleton<LocalProcessSpawner>();
            services.AddKeyedSingleton<ISpawner>(Fallback, (sp, _) => sp.GetRequiredService<LocalProcessSpawner>());
        }

        services.AddSingleton(slurm);
        services.AddSingleton<SlurmSpawner>();
        services.AddSingleton<CourseSpawnerStore>();
        services.AddSingleton<ISpawner>(sp => new CourseSpawnerRouter(
            sp.GetRequiredKeyedService<ISpawner>(Fallback), sp.GetRequiredService<SlurmSpawner>(), sp.GetRequiredService<CourseSpawnerStore>()));
        return services;
    }

    /// <summary>The spawner <paramref name="kind"/> resolves to on this machine.</summary>
    public static string Choose(string kind, bool runAsUnixUsers, bool systemdRunning) => kind switch
    {
        Auto => runAsUnixUsers && systemdRunning ? Systemd : LocalProcess,
        LocalProcess or Systemd => kind,
        _ => throw new ArgumentException($"unknown spawner kind '{kind}'; use one of {string.Join(", ", Kinds)}", nameof(kind)),
    };
}
