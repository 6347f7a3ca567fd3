using Classhub.Core.Results;
using Classhub.Core.Users;
using Classhub.Spawning.LocalProcess;
using Classhub.Spawning.Processes;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.Unix;

/// <summary>
/// <see cref="IUnixAccounts"/> for a hub running as root: the Unix account of the same name, created with useradd
/// when missing (the same provisioning a server start does, so a student who gets files first and a server later
/// ends up with one account).
/// </summary>
internal sealed class SystemUnixAccounts(LocalProcessSpawnerOptions options, IProcessRunner runner, ILogger<SystemUnixAccounts> logger) : IUnixAccounts
{
    /// <summary>Debian's first uid for people (adduser.conf FIRST_UID); below it are the system's own accounts.</summary>
    private const uint FirstUserId = 1000;

    private readonly UnixAccountProvisioner _provisioner = new(options, runner, logger);

    public bool OwnsPerUser => true;

    public async Task<Result<HomeAccount>> EnsureAsync(string userName, CancellationToken cancellationToken)
    {
        var doing = $"preparing the home of {userName}";
        var (account, failure) = await _provisioner.EnsureAsync(userName, userName, doing, cancellationToken);
        if (account is null)
        {
            return Failure.Of(failure!.Failure!.Reason, failure.Failure.Message);
        }

        if (!Directory.Exists(account.Home))
        {
            return Failure.Of("home-missing", $"{doing}: the home {account.Home} of Unix user '{account.Name}' does not exist; create it (mkhomedir_helper {account.Name})");
        }

        return Result<HomeAccount>.Success(new HomeAccount(account.Name, account.Uid, account.Gid, account.Home));
    }

    public HomeAccount? Find(string userName) =>
        UserName.Problem(userName) is null && UnixAccounts.FindByName(userName) is { Uid: >= FirstUserId } account && Directory.Exists(account.Home)
            ? new HomeAccount(account.Name, account.Uid, account.Gid, account.Home)
            : null;
}
