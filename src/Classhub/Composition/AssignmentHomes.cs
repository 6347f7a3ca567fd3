using Classhub.Configuration;
using Classhub.Core.Users;
using Classhub.Hub.Assignments;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;

namespace Classhub.Composition;

/// <summary>
/// Where assignments are delivered: as root, the Unix account of the same name (the spawner's accounts, created with
/// useradd when missing, with the local spawner's settings or their defaults under the systemd spawner); otherwise
/// (development) folders under <c>&lt;data dir&gt;/homes/</c>.
/// </summary>
internal static class AssignmentHomes
{
    public static IServiceCollection AddAssignmentHomes(this IServiceCollection services, string dataDir, HubConfig config)
    {
        services.AddSingleton(Options(dataDir, config));
        services.AddSingleton<IUnixAccounts>(sp => Environment.IsPrivilegedProcess
            ? new SystemUnixAccounts(sp.GetService<LocalProcessSpawnerOptions>() ?? new LocalProcessSpawnerOptions(), sp.GetRequiredService<IProcessRunner>(), sp.GetRequiredService<ILogger<SystemUnixAccounts>>())
            : new DevHomeAccounts(dataDir));
        return services;
    }

    public static AssignmentOptions Options(string dataDir, HubConfig config) =>
        new(dataDir, config.Integer("assignments.max_push_mb") * 1024L * 1024L, config.Integer("assignments.max_submission_mb") * 1024L * 1024L, config.Integer("assignments.keep_submissions"));

    /// <summary>For CLI commands: the same choice, outside a host.</summary>
    public static IUnixAccounts Accounts(string dataDir, ILoggerFactory loggers) => Environment.IsPrivilegedProcess
        ? new SystemUnixAccounts(new LocalProcessSpawnerOptions(), new ProcessRunner(), loggers.CreateLogger<SystemUnixAccounts>())
        : new DevHomeAccounts(dataDir);
}
