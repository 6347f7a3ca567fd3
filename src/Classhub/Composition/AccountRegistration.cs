using Classhub.Cli;
using Classhub.Configuration;
using Classhub.Core.Users;
using Classhub.Hub.Accounts;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;
using Classhub.Storage.Accounts;

namespace Classhub.Composition;

/// <summary>
/// The machine's Unix accounts (<see cref="IAccountDirectory"/>: the password database and useradd) and the accounts.*
/// rules. Which account each hub user gets is the hub's <see cref="AccountBinder"/>, registered with the hub.
/// </summary>
internal static class AccountRegistration
{
    public static IServiceCollection AddUnixAccounts(this IServiceCollection services, AccountRules rules)
    {
        services.AddSingleton(rules);
        services.AddSingleton(new AccountDirectoryOptions());
        services.AddSingleton<IAccountDirectory, SystemAccountDirectory>();
        return services;
    }

    /// <summary>For CLI commands: the same binding, over the CLI's own connection to the database.</summary>
    public static AccountBinder Binder(HubState state, HubConfig config, ILoggerFactory loggers)
    {
        var rules = ServePlan.AccountsFrom(config);
        var directory = new SystemAccountDirectory(new AccountDirectoryOptions(), rules, new ProcessRunner(), loggers.CreateLogger<SystemAccountDirectory>());
        var options = new AccountOptions(Environment.IsPrivilegedProcess, rules, config.TextList("auth.methods").Contains("pam"));
        return new AccountBinder(new UnixAccountStore(state.Database, TimeProvider.System), state.Users, directory, options, loggers.CreateLogger<AccountBinder>());
    }
}
