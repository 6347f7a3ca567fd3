using System.CommandLine;
using System.Globalization;
using Classhub.Composition;
using Classhub.Configuration;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Systemd;
using Classhub.Spawning.Unix;
using Classhub.Storage.Accounts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Cli;

/// <summary>
/// <c>classhub uninstall [--remove-users]</c>: the Unix accounts classhub created for its users (recorded when it made
/// them, or adopted on upgrade from an older version), one "NAME uid UID home HOME" line each on stdout. Accounts an
/// admin linked, or whose owner signed in with PAM, are people's own: never listed, never removed. Removing the
/// package keeps the accounts (they hold students' work); with <c>--remove-users</c> their servers are stopped, then
/// each account is locked and expired (no new logins, cron jobs or PAM sessions), its processes are killed, and it is
/// deleted with its home (<c>userdel -r</c>, which refuses while a process of the account still runs).
/// </summary>
internal static class UninstallCommand
{
    public static Command Create()
    {
        var removeUsers = new Option<bool>("--remove-users") { Description = "Stop the users' servers and delete the Unix accounts classhub created, with their homes (userdel -r)" };
        var command = new Command("uninstall", "List the Unix accounts classhub created for its users; with --remove-users, delete them and their homes") { removeUsers };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            if (UnixAccounts.IsRoot)
            {
                // Accounts an older classhub made before accounts were recorded are recorded now, if they qualify.
                await AccountRegistration.Binder(state, ConfigLocation.Load(parsed), NullLoggerFactory.Instance).ReviewAsync(cancellationToken);
            }

            var store = new UnixAccountStore(state.Database, TimeProvider.System);
            var accounts = store.MadeByClasshub()
                .Select(r => r.Uid is { } uid && UnixAccounts.FindByName(r.UnixName) is { } a && a.Uid == uid ? a : null)
                .OfType<UnixAccount>()
                .ToList();
            foreach (var a in accounts)
            {
                Console.WriteLine($"{a.Name} uid {a.Uid} home {a.Home}");
            }

            if (!parsed.GetValue(removeUsers))
            {
                Console.Error.WriteLine(accounts.Count == 0
                    ? "classhub uninstall: no Unix accounts made by classhub found"
                    : $"classhub uninstall: {accounts.Count} Unix account(s) above would be kept by package removal; 'classhub uninstall --remove-users' deletes them and their homes");
                return CommandLine.Ok;
            }

            if (!UnixAccounts.IsRoot)
            {
                Console.Error.WriteLine("classhub uninstall: --remove-users needs root; run it with sudo");
                return CommandLine.Failed;
            }

            var runner = new ProcessRunner();
            var failed = 0;
            foreach (var a in accounts)
            {
                if (await RemoveAsync(runner, a, cancellationToken) is { } problem)
                {
                    failed++;
                    Console.Error.WriteLine($"classhub uninstall: {problem}");
                    continue;
                }

                store.Forget(a.Name);
                Console.Error.WriteLine($"classhub uninstall: removed Unix user {a.Name} and {a.Home}");
            }

            return failed == 0 ? CommandLine.Ok : CommandLine.Failed;
        });
        return command;
    }

    /// <summary>Null when the account and its home are gone; otherwise what failed and what to do.</summary>
    private static async Task<string?> RemoveAsync(ProcessRunner runner, UnixAccount account, CancellationToken cancellationToken)
    {
        var uid = account.Uid.ToString(CultureInfo.InvariantCulture);
        if (SystemdSpawner.IsSystemdRunning())
        {
            var unit = SystemdUnitName.For(new SystemdSpawnerOptions().UnitPrefix, account.Name);
            await runner.RunAsync("/usr/bin/systemctl", ["stop", unit], cancellationToken);
            await runner.RunAsync("/usr/bin/systemctl", ["reset-failed", unit], cancellationToken);
        }

        // Nothing of the student's may start again while userdel walks the home: no password, an expired account.
        var locked = await runner.RunAsync("/usr/sbin/usermod", ["--lock", "--expiredate", "1", account.Name], cancellationToken);
        if (!locked.Succeeded)
        {
            return $"usermod --lock {account.Name} failed (exit code {locked.ExitCode}): {locked.StandardError.Trim()}";
        }

        for (var attempt = 0; attempt < 50; attempt++)
        {
            await runner.RunAsync("/usr/bin/pkill", ["-KILL", "-U", uid], cancellationToken);
            if (!(await runner.RunAsync("/usr/bin/pgrep", ["-U", uid], cancellationToken)).Succeeded)
            {
                break;
            }

            await Task.Delay(100, cancellationToken);
        }

        // Without -f: userdel refuses while any process of the account is left.
        var result = await runner.RunAsync("/usr/sbin/userdel", ["-r", account.Name], cancellationToken);

        // userdel -r exits 12 when only the mail spool or home could not be removed; the account is gone.
        return result.Succeeded || result.ExitCode == 12
            ? null
            : $"userdel -r {account.Name} failed (exit code {result.ExitCode}): {result.StandardError.Trim()}; stop the user's processes (pkill -KILL -U {uid}) and run it again";
    }
}
