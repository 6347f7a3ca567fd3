using Classhub.Core.Servers;
using Classhub.Core.Users;
using Classhub.Spawning.Processes;
using Classhub.Spawning.Unix;
using Microsoft.Extensions.Logging;

namespace Classhub.Spawning.LocalProcess;

/// <summary>Finds the Unix account a server runs as, creating it with useradd when allowed.</summary>
internal sealed class UnixAccountProvisioner
{
    private readonly LocalProcessSpawnerOptions _options;
    private readonly IProcessRunner _runner;
    private readonly ILogger _logger;

    public UnixAccountProvisioner(LocalProcessSpawnerOptions options, IProcessRunner runner, ILogger logger)
    {
        _options = options;
        _runner = runner;
        _logger = logger;
    }

    /// <summary>The account, or a failure whose message starts with <paramref name="doing"/>.</summary>
    public async Task<(UnixAccount? Account, SpawnResult? Failure)> EnsureAsync(string user, string unixUser, string doing, CancellationToken cancellationToken)
    {
        if (UserName.Problem(unixUser) is { } problem)
        {
            return (null, SpawnResult.Failed("invalid-unix-user", $"{doing}: Unix user name {problem}"));
        }

        if (!UnixAccounts.IsRoot)
        {
            return (null, SpawnResult.Failed("not-root", $"{doing}: running a server as Unix user '{unixUser}' needs root; run the hub as root or in development mode"));
        }

        if (UnixAccounts.FindByName(unixUser) is { } existing)
        {
            return (existing, null);
        }

        if (!_options.CreateUsers)
        {
            return (null, SpawnResult.Failed("unix-user-missing", $"{doing}: Unix user '{unixUser}' does not exist and creating users is turned off; create it with useradd -m {unixUser}"));
        }

        using var gate = await AccountLock.AcquireAsync(cancellationToken);
        if (UnixAccounts.FindByName(unixUser) is { } createdMeanwhile)
        {
            return (createdMeanwhile, null);
        }

        Log.CreatingUnixUser(_logger, user, unixUser);
        var args = new List<string> { "-m", "-s", "/bin/bash" };
        args.AddRange(_options.UserAddArguments);
        args.Add(unixUser);
        // Not cancelled half-way: a killed useradd can leave an account without its home.
        var result = await _runner.RunAsync(_options.UserAddPath, args, CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();

        // useradd exits 9 when the name is taken: another start for the same user won the race, which is fine.
        if (!result.Succeeded && result.ExitCode != 9)
        {
            return (null, SpawnResult.Failed("useradd-failed", $"{doing}: creating Unix user '{unixUser}' with useradd failed (exit code {result.ExitCode}): {result.StandardError.Trim()}"));
        }

        var created = UnixAccounts.FindByName(unixUser);
        return created is null
            ? (null, SpawnResult.Failed("unix-user-missing", $"{doing}: useradd succeeded but Unix user '{unixUser}' is not in the password database"))
            : (created, null);
    }
}
