using System.Globalization;
using Classhub.Core.Results;
using Classhub.Core.Users;
using Classhub.Spawning.Processes;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.Unix;

/// <summary>Settings of <see cref="SystemAccountDirectory"/>.</summary>
internal sealed record AccountDirectoryOptions
{
    public string UserAddPath { get; init; } = "/usr/sbin/useradd";

    /// <summary>Extra arguments for useradd, placed before the user name (e.g. <c>--gid students</c>).</summary>
    public IReadOnlyList<string> UserAddArguments { get; init; } = [];
}

/// <summary>
/// <see cref="IAccountDirectory"/> over the password database and useradd. Accounts are made with
/// <c>useradd -m -s /bin/bash -K HOME_MODE=0700 -K UID_MIN=… -K UID_MAX=…</c>: the home is private from its first
/// moment whatever login.defs says, and the uid falls in the range the account rules accept.
/// </summary>
internal sealed partial class SystemAccountDirectory(AccountDirectoryOptions options, AccountRules rules, IProcessRunner runner, ILogger<SystemAccountDirectory> logger) : IAccountDirectory
{
    // useradd's exit status when the name is taken.
    private const int NameInUse = 9;

    public SystemAccount? Find(string name) =>
        UserName.Problem(name) is null && UnixAccounts.FindByName(name) is { } account ? UnixAccounts.ToSystem(account) : null;

    public async Task<Result<SystemAccount>> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var doing = $"creating the Unix account {name}";
        if (UserName.Problem(name) is { } problem)
        {
            return Failure.Of("invalid-unix-user", $"{doing}: {problem}");
        }

        if (!UnixAccounts.IsRoot)
        {
            return Failure.Of("not-root", $"{doing}: making Unix accounts needs root; run the hub as root, or in development mode");
        }

        LogCreating(logger, name);
        List<string> args =
        [
            "-m", "-s", "/bin/bash", "-K", "HOME_MODE=0700",
            "-K", string.Create(CultureInfo.InvariantCulture, $"UID_MIN={rules.MinUid}"), "-K", string.Create(CultureInfo.InvariantCulture, $"UID_MAX={rules.MaxUid}"),
            .. options.UserAddArguments, name,
        ];

        // Not cancelled half-way: a killed useradd can leave an account without its home.
        var result = await runner.RunAsync(options.UserAddPath, args, CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        if (result.ExitCode == NameInUse)
        {
            return Failure.Of("account-exists", $"{doing}: a Unix account {name} already exists, and classhub never takes over an account it did not create");
        }

        if (!result.Succeeded)
        {
            return Failure.Of("useradd-failed", $"{doing}: useradd failed (exit code {result.ExitCode}): {result.StandardError.Trim()}");
        }

        return Find(name) is { } created
            ? Result<SystemAccount>.Success(created)
            : Failure.Of("unix-user-missing", $"{doing}: useradd succeeded but {name} is not in the password database");
    }

    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken) => await AccountLock.AcquireAsync(cancellationToken);

    public Result<HomeInfo> Home(SystemAccount account)
    {
        using var home = HomeFolder.Open(account.Home, LibC.O_RDONLY, out var problem);
        return home is null ? HomeFailure(account, problem!) : Inspect(account, home);
    }

    public Result<HomeInfo> MakeHomePrivate(SystemAccount account)
    {
        using var home = HomeFolder.Open(account.Home, LibC.O_RDONLY, out var problem);
        if (home is null)
        {
            return HomeFailure(account, problem!);
        }

        var found = Inspect(account, home);
        if (!found.Ok || found.Value.IsPrivate)
        {
            return found;
        }

        var mode = found.Value.Mode & ~0x3Fu;
        if (LibC.FChmod(home.Number, mode) != 0)
        {
            return Failure.Of("home-chmod-failed", $"making the home {account.Home} of {account.Name} private: {LibC.Describe(LibC.Errno)}");
        }

        var was = Convert.ToString(found.Value.Mode, 8);
        LogMadePrivate(logger, account.Home, account.Name, was);
        return Inspect(account, home);
    }

    private static Result<HomeInfo> Inspect(SystemAccount account, Fd home)
    {
        if (home.Facts() is not { } facts)
        {
            return Failure.Of("home-unreadable", $"looking at the home {account.Home} of {account.Name}: {LibC.Describe(LibC.Errno)}");
        }

        return facts.Uid != account.Uid
            ? Failure.Of("home-not-owned", $"the home {account.Home} of {account.Name} belongs to uid {facts.Uid}, not to the account (uid {account.Uid}); classhub leaves it alone: give it to the account (chown) or fix the account's home")
            : Result<HomeInfo>.Success(new HomeInfo(facts.Uid, facts.Permissions, facts.Birth));
    }

    private static Failure HomeFailure(SystemAccount account, string problem) =>
        Failure.Of("home-missing", $"the home of Unix account {account.Name}: {problem}; create it (mkhomedir_helper {account.Name}) or fix the account's home");

    [LoggerMessage(Level = LogLevel.Information, Message = "creating Unix account {Name} (useradd, home mode 0700)")]
    private static partial void LogCreating(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "made the home {Home} of {Name} private (was mode {Mode})")]
    private static partial void LogMadePrivate(ILogger logger, string home, string name, string mode);
}
