using Classhub.Cli;
using Classhub.Configuration;
using Classhub.Core.Users;
using Classhub.Hub.Accounts;
using Classhub.Hub.Assignments;

namespace Classhub.Composition;

/// <summary>
/// Where assignments are delivered: as root, the home of the Unix account the hub bound the user to
/// (<see cref="AccountBinder"/>: created with useradd when the user has none, as a server start would); otherwise
/// (development) folders under <c>&lt;data dir&gt;/homes/</c>.
/// </summary>
internal static class AssignmentHomes
{
    public static IServiceCollection AddAssignmentHomes(this IServiceCollection services, string dataDir, HubConfig config)
    {
        services.AddSingleton(Options(dataDir, config));
        services.AddSingleton<IUnixAccounts>(sp => Environment.IsPrivilegedProcess
            ? sp.GetRequiredService<AccountBinder>()
            : new DevHomeAccounts(dataDir));
        return services;
    }

    public static AssignmentOptions Options(string dataDir, HubConfig config) =>
        new(dataDir, config.Integer("assignments.max_push_mb") * 1024L * 1024L, config.Integer("assignments.max_submission_mb") * 1024L * 1024L, config.Integer("assignments.keep_submissions"));

    /// <summary>For CLI commands: the same choice, outside a host.</summary>
    public static IUnixAccounts Accounts(HubState state, HubConfig config, ILoggerFactory loggers) => Environment.IsPrivilegedProcess
        ? AccountRegistration.Binder(state, config, loggers)
        : new DevHomeAccounts(state.DataDir);
}
