using Classhub.Core.Servers;
using Classhub.Core.Users;

namespace Classhub.Spawning.Unix;

/// <summary>
/// The last check before a spawner runs anything as a Unix account: the account must exist, still have the uid the hub
/// recorded when it bound the user to it, and pass the account rules (uid range, no administrators' group). The hub
/// has decided the binding; this keeps a spawner from ever acting on a request that skipped or outlived that decision.
/// </summary>
internal static class AccountCheck
{
    public static (UnixAccount? Account, SpawnResult? Failure) Verify(SpawnRequest request, AccountRules rules, string doing)
    {
        var unixUser = request.UnixUser ?? throw new ArgumentException("the request names no Unix user", nameof(request));
        if (UserName.Problem(unixUser) is { } problem)
        {
            return (null, SpawnResult.Failed("invalid-unix-user", $"{doing}: Unix user name {problem}"));
        }

        if (!UnixAccounts.IsRoot)
        {
            return (null, SpawnResult.Failed("not-root", $"{doing}: running a server as Unix user '{unixUser}' needs root; run the hub as root or in development mode"));
        }

        if (UnixAccounts.FindByName(unixUser) is not { } account)
        {
            return (null, SpawnResult.Failed("unix-user-missing", $"{doing}: Unix user '{unixUser}' does not exist"));
        }

        if (request.UnixUid is not { } uid)
        {
            return (null, SpawnResult.Failed("unix-user-unbound", $"{doing}: no uid was recorded for Unix user '{unixUser}'; servers run only as the account the hub bound the user to"));
        }

        if (account.Uid != uid)
        {
            return (null, SpawnResult.Failed("unix-user-changed", $"{doing}: Unix user '{unixUser}' has uid {account.Uid}, not the uid {uid} the hub recorded for it; the account was replaced"));
        }

        if (rules.Problem(UnixAccounts.ToSystem(account)) is { } refused)
        {
            return (null, SpawnResult.Failed("unix-user-privileged", $"{doing}: classhub never runs a server as Unix user '{unixUser}': {refused}"));
        }

        return (account, null);
    }
}
