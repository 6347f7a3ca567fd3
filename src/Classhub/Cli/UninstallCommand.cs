using System.CommandLine;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Systemd;
using Classhub.Spawning.Unix;

namespace Classhub.Cli;

/// <summary>
/// <c>classhub uninstall [--remove-users]</c>: the Unix accounts the hub made for its users (hub users whose
/// account exists with uid ≥ 1000), one "NAME uid UID home HOME" line each on stdout. Removing the package keeps
/// them (they hold students' work); with <c>--remove-users</c> their servers are stopped and the accounts are
/// deleted with their homes (<c>userdel -r</c>).
/// </summary>
internal static class UninstallCommand
{
    private const uint FirstRegularUid = 1000;

    public static Command Create()
    {
        var removeUsers = new Option<bool>("--remove-users") { Description = "Stop the users' servers and delete their Unix accounts and homes (userdel -r)" };
        var command = new Command("uninstall", "List the Unix accounts classhub created for its users; with --remove-users, delete them and their homes") { removeUsers };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var accounts = state.Users.List()
                .Select(u => UnixAccounts.FindByName(u.Name))
                .OfType<UnixAccount>()
                .Where(a => a.Uid >= FirstRegularUid && a.Uid != 65534)
                .ToList();
            foreach (var a in accounts)
            {
                Console.WriteLine($"{a.Name} uid {a.Uid} home {a.Home}");
            }

            if (!parsed.GetValue(removeUsers))
            {
                Console.Error.WriteLine(accounts.Count == 0
                    ? "classhub uninstall: no Unix accounts of hub users found"
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
                if (SystemdSpawner.IsSystemdRunning())
                {
                    var unit = SystemdUnitName.For(new SystemdSpawnerOptions().UnitPrefix, a.Name);
                    await runner.RunAsync("/usr/bin/systemctl", ["stop", unit], cancellationToken);
                    await runner.RunAsync("/usr/bin/systemctl", ["reset-failed", unit], cancellationToken);
                }

                var result = await runner.RunAsync("/usr/sbin/userdel", ["-r", a.Name], cancellationToken);
                // userdel -r exits 12 when only the mail spool or home could not be removed; the account is gone.
                if (result.Succeeded || result.ExitCode == 12)
                {
                    Console.Error.WriteLine($"classhub uninstall: removed Unix user {a.Name} and {a.Home}");
                }
                else
                {
                    failed++;
                    Console.Error.WriteLine($"classhub uninstall: userdel -r {a.Name} failed (exit code {result.ExitCode}): {result.StandardError.Trim()}; stop the user's processes (pkill -u {a.Name}) and run it again");
                }
            }

            return failed == 0 ? CommandLine.Ok : CommandLine.Failed;
        });
        return command;
    }
}
