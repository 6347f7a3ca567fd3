using Classhub.Core.Results;
using Classhub.Core.Users;
using Classhub.Hub.Assignments.Files;

namespace Classhub.Hub.Assignments;

/// <summary>
/// <see cref="IUnixAccounts"/> when the hub is not root (development): each user's "home" is
/// <c>&lt;data dir&gt;/homes/&lt;user&gt;</c>, owned by the invoking user; nothing is chowned.
/// </summary>
internal sealed class DevHomeAccounts(string dataDir) : IUnixAccounts
{
    public bool OwnsPerUser => false;

    public string HomesFolder => Path.Combine(dataDir, "homes");

    public Task<Result<HomeAccount>> EnsureAsync(string userName, CancellationToken cancellationToken)
    {
        if (UserName.Problem(userName) is { } problem)
        {
            return Task.FromResult<Result<HomeAccount>>(Failure.Of("invalid-user", $"preparing the home of {userName}: {problem}"));
        }

        var home = Path.Combine(HomesFolder, userName);
        Directory.CreateDirectory(home);
        return Task.FromResult(Result<HomeAccount>.Success(new HomeAccount(userName, Posix.GetEUid(), Posix.GetEGid(), home)));
    }

    public HomeAccount? Find(string userName)
    {
        var home = Path.Combine(HomesFolder, userName);
        return UserName.Problem(userName) is null && Directory.Exists(home) ? new HomeAccount(userName, Posix.GetEUid(), Posix.GetEGid(), home) : null;
    }
}
