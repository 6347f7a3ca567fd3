using Classhub.Core.Results;
using Classhub.Core.Users;
using Classhub.Storage.Accounts;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Accounts;

/// <summary>
/// Which Unix account a hub user's server runs as and whose home gets their files, when the hub runs as root. The one
/// rule: a hub user is bound to an account classhub created for them, one an admin linked (<c>classhub user link</c>),
/// or one whose owner proved it by signing in with its password through PAM; never to another account that merely has
/// the same name. However it was bound, an account outside accounts.uid_min..uid_max or in an administrators' group is
/// never used (<see cref="AccountRules"/>). The binding is recorded with the account's uid, so an account deleted and
/// made again under the same name is not taken for it. Look-then-create runs under the account lock, across processes.
/// </summary>
internal sealed partial class AccountBinder(UnixAccountStore store, UserStore users, IAccountDirectory directory, AccountOptions options, ILogger<AccountBinder> logger) : IUnixAccounts
{
    public bool OwnsPerUser => true;

    public AccountRules Rules => options.Rules;

    public async Task<Result<HomeAccount>> EnsureAsync(string userName, CancellationToken cancellationToken)
    {
        var bound = await BindAsync(userName, cancellationToken);
        return bound.Ok ? Result<HomeAccount>.Success(new HomeAccount(bound.Value.Name, bound.Value.Uid, bound.Value.Gid, bound.Value.Home)) : bound.Failure;
    }

    /// <summary>
    /// The user's account as it is, for reading their files (the staff viewer): the recorded binding only, with its
    /// recorded uid, passing the rules, with its home a folder it owns. Creates and records nothing.
    /// </summary>
    public HomeAccount? Find(string userName)
    {
        if (!options.Enabled || users.Find(userName) is not { } user || store.ForUser(user.Id) is not { Uid: { } uid } record)
        {
            return null;
        }

        return directory.Find(record.UnixName) is { } account && account.Uid == uid && options.Rules.Problem(account) is null && directory.Home(account) is { Ok: true }
            ? new HomeAccount(account.Name, account.Uid, account.Gid, account.Home)
            : null;
    }

    /// <summary>The account to run the user's server as: the recorded one, or one created now when the user has none and the name is free.</summary>
    public async Task<Result<SystemAccount>> BindAsync(string userName, CancellationToken cancellationToken)
    {
        var doing = $"choosing the Unix account of {userName}";
        if (!options.Enabled)
        {
            return Failure.Of("not-root", $"{doing}: servers run as Unix accounts only when the hub runs as root");
        }

        if (users.Find(userName) is not { } user)
        {
            return Failure.Of("no-such-user", $"{doing}: there is no hub user '{userName}'");
        }

        using (await directory.LockAsync(cancellationToken))
        {
            var record = store.ForUser(user.Id);
            var bound = record is null ? await BindFirstAsync(user, doing, cancellationToken) : await CheckRecordAsync(user, record, doing, cancellationToken);
            return bound.Ok ? Usable(bound.Value, doing) : bound;
        }
    }

    /// <summary>
    /// For roster rows and sign-ups: null when hub user <paramref name="name"/> can get a server (no account of that name,
    /// or the one classhub may use); else what is wrong, and whether it blocks the row (false: a warning, when PAM
    /// sign-in can still prove the account).
    /// </summary>
    public (string Message, bool Blocks)? CheckName(string name)
    {
        if (!options.Enabled || UserName.Problem(name) is not null)
        {
            return null;
        }

        var user = users.Find(name);
        if (user is not null && store.ForUser(user.Id) is not null)
        {
            return null;
        }

        if (directory.Find(name) is not { } account)
        {
            return null;
        }

        var recorded = store.ForAccount(name);
        if (options.Rules.Problem(account) is { } refused)
        {
            return (NotOurs(name, refused), true);
        }

        if (recorded is not null)
        {
            return (RecordedForAnother(name, recorded), true);
        }

        if (user is not null && Adoptable(user, account))
        {
            return null;
        }

        return options.PamSignIn
            ? ($"a Unix account {name} already exists on this server and classhub did not create it: the server of {name} runs as it only after they sign in with its password (PAM), or after an admin links it ('classhub user link {name}')", false)
            : (NotOurs(name, null), true);
    }

    /// <summary>An admin's <c>classhub user link USER [--unix-user ACCOUNT]</c>: binds the user to an existing account.</summary>
    public async Task<Result<SystemAccount>> LinkAsync(string userName, string? unixName, CancellationToken cancellationToken)
    {
        var unix = unixName ?? userName;
        var doing = $"linking hub user {userName} to the Unix account {unix}";
        if (users.Find(userName) is not { } user)
        {
            return Failure.Of("no-such-user", $"{doing}: there is no hub user '{userName}'; add it first (classhub user add {userName})");
        }

        if (UserName.Problem(unix) is { } invalid)
        {
            return Failure.Of("invalid-unix-user", $"{doing}: {invalid}");
        }

        if (directory.Find(unix) is not { } account)
        {
            return Failure.Of("no-such-account", $"{doing}: there is no Unix account {unix}; make it first (useradd -m {unix}), or do not link: classhub creates an account for {userName} when it needs one");
        }

        if (options.Rules.Problem(account) is { } refused)
        {
            return Failure.Of("account-refused", $"{doing}: classhub never runs servers or writes files as {unix}: {refused}");
        }

        using (await directory.LockAsync(cancellationToken))
        {
            var recorded = store.ForAccount(unix);
            if (recorded is { UserId: { } owner } && owner != user.Id)
            {
                var other = users.FindById(owner)?.Name ?? owner.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Failure.Of("account-taken", $"{doing}: {unix} is the Unix account of hub user {other}; unlink it there first (classhub user unlink {other})");
            }

            if (directory.Home(account) is { Ok: false } home)
            {
                return Failure.Of(home.Failure!.Reason, $"{doing}: {home.Failure!.UserMessage}");
            }

            var keep = recorded is { MadeByClasshub: true } && recorded.Uid == account.Uid;
            store.Bind(user.Id, unix, account.Uid, keep ? recorded!.Origin : AccountOrigin.Linked);
            LogLinked(logger, userName, unix, account.Uid);
            return Ok(account);
        }
    }

    /// <summary>An admin's <c>classhub user unlink USER</c>; false when the user had no account recorded.</summary>
    public async Task<Result<bool>> UnlinkAsync(string userName, CancellationToken cancellationToken)
    {
        if (users.Find(userName) is not { } user)
        {
            return Failure.Of("no-such-user", $"unlinking hub user {userName}: there is no hub user '{userName}'");
        }

        using (await directory.LockAsync(cancellationToken))
        {
            return Result<bool>.Success(store.Unlink(user.Id));
        }
    }

    /// <summary>
    /// After a PAM sign-in as <paramref name="userName"/>: the person just proved they hold the Unix account of that
    /// name, so it becomes the user's account (when the rules allow it). Not when the hub user also has a hub password:
    /// whoever set that password (through an invite a TA's roster made) has proved nothing; an admin decides then.
    /// Once bound this way, invites no longer work for the user (<see cref="Storage.Invites.InviteStore"/>).
    /// </summary>
    public async Task LinkByPamAsync(string userName, CancellationToken cancellationToken)
    {
        if (!options.Enabled || users.Find(userName) is not { } user || directory.Find(userName) is not { } account)
        {
            return;
        }

        using (await directory.LockAsync(cancellationToken))
        {
            if (store.ForUser(user.Id) is not null || store.ForAccount(account.Name) is not null)
            {
                return;
            }

            if (options.Rules.Problem(account) is { } refused)
            {
                LogPamNotLinked(logger, userName, refused);
                return;
            }

            if (users.Find(userName)?.PasswordHash is not null)
            {
                LogPamNotLinked(logger, userName, $"hub user {userName} also has a hub password (set through an invite or by an admin), which proves nothing about the Unix account; an admin can link it with 'classhub user link {userName}'");
                return;
            }

            store.Bind(user.Id, account.Name, account.Uid, AccountOrigin.Pam);
            LogPamLinked(logger, userName, account.Uid);
        }
    }

    /// <summary>
    /// At start-up (root): accounts an older classhub made for hub users that existed before accounts were recorded are
    /// adopted when they qualify (see <see cref="Adoptable"/>) and reported when they do not; then every home classhub
    /// made is made private (0700 or stricter), by descriptor.
    /// </summary>
    public async Task ReviewAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        if (store.RecordedFrom() is { } since)
        {
            foreach (var user in users.List().Where(u => u.User.CreatedAt < since))
            {
                if (store.ForUser(user.Id) is not null || directory.Find(user.Name) is not { } account)
                {
                    continue;
                }

                using (await directory.LockAsync(cancellationToken))
                {
                    if (store.ForUser(user.Id) is null && store.ForAccount(account.Name) is null && Adoptable(user, account))
                    {
                        store.Bind(user.Id, account.Name, account.Uid, AccountOrigin.Adopted);
                        LogAdopted(logger, account.Name, account.Uid);
                    }
                    else if (store.ForUser(user.Id) is null)
                    {
                        LogNotAdopted(logger, user.Name, CheckName(user.Name)?.Message ?? NotOurs(user.Name, null));
                    }
                }
            }
        }

        foreach (var made in store.MadeByClasshub())
        {
            if (made.Uid is { } uid && directory.Find(made.UnixName) is { } account && account.Uid == uid && directory.MakeHomePrivate(account) is { Ok: false } failed)
            {
                LogHomeNotPrivate(logger, failed.Failure!.LogMessage);
            }
        }
    }

    private async Task<Result<SystemAccount>> BindFirstAsync(StoredUser user, string doing, CancellationToken cancellationToken)
    {
        if (directory.Find(user.Name) is not { } existing)
        {
            switch (store.ForAccount(user.Name))
            {
                case { UserId: null }:
                    // Left by a deleted hub user whose account is gone too: nothing of it remains to protect.
                    store.Forget(user.Name);
                    break;
                case { } other:
                    return Failure.Of("account-taken", $"{doing}: {RecordedForAnother(user.Name, other)}");
            }

            return await CreateAsync(user, user.Name, doing, cancellationToken);
        }

        if (options.Rules.Problem(existing) is { } refused)
        {
            return Failure.Of("account-refused", $"{doing}: {NotOurs(user.Name, refused)}");
        }

        if (store.ForAccount(user.Name) is { } recorded)
        {
            return Failure.Of("account-taken", $"{doing}: {RecordedForAnother(user.Name, recorded)}");
        }

        if (Adoptable(user, existing))
        {
            store.Bind(user.Id, existing.Name, existing.Uid, AccountOrigin.Adopted);
            LogAdopted(logger, existing.Name, existing.Uid);
            return Ok(existing);
        }

        return Failure.Of("account-exists", $"{doing}: {NotOurs(user.Name, null)}");
    }

    private async Task<Result<SystemAccount>> CheckRecordAsync(StoredUser user, StoredUnixAccount record, string doing, CancellationToken cancellationToken)
    {
        if (directory.Find(record.UnixName) is not { } account)
        {
            return record.Origin == AccountOrigin.Created
                ? await CreateAsync(user, record.UnixName, doing, cancellationToken)
                : Failure.Of("account-missing", $"{doing}: the Unix account {record.UnixName} it was linked to no longer exists; link another (classhub user link {user.Name} --unix-user ACCOUNT), or unlink it (classhub user unlink {user.Name}) and classhub creates one");
        }

        if (record.Uid is null && record.Origin == AccountOrigin.Created)
        {
            // A crash between useradd and recording its uid: the account is the one classhub was making.
            store.SetUid(record.UnixName, account.Uid);
            LogFinishedRecording(logger, record.UnixName, account.Uid);
            return Ok(account);
        }

        return record.Uid == account.Uid
            ? Ok(account)
            : Failure.Of("account-replaced", $"{doing}: the Unix account {record.UnixName} has uid {account.Uid}, but classhub recorded uid {record.Uid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}: it was deleted and made again, so it may be someone else's now; if it is {user.Name}'s, an admin can link it again (classhub user link {user.Name} --unix-user {record.UnixName})");
    }

    private async Task<Result<SystemAccount>> CreateAsync(StoredUser user, string name, string doing, CancellationToken cancellationToken)
    {
        if (!store.BeginCreate(user.Id, name))
        {
            store.SetUid(name, null);
        }

        var created = await directory.CreateAsync(name, cancellationToken);
        if (!created.Ok)
        {
            if (directory.Find(name) is null)
            {
                store.Forget(name);
            }

            return Failure.Of(created.Failure.Reason, $"{doing}: {created.Failure.UserMessage}");
        }

        store.SetUid(name, created.Value.Uid);
        LogCreated(logger, name, user.Name, created.Value.Uid);
        return created;
    }

    /// <summary>The account, if it may be used: the rules, and a home that is a folder the account owns.</summary>
    private Result<SystemAccount> Usable(SystemAccount account, string doing)
    {
        if (options.Rules.Problem(account) is { } refused)
        {
            return Failure.Of("account-refused", $"{doing}: classhub never runs servers or writes files as the Unix account {account.Name}: {refused}");
        }

        return directory.Home(account) is { Ok: false } home ? Failure.Of(home.Failure!.Reason, $"{doing}: {home.Failure!.UserMessage}") : Ok(account);
    }

    private static Result<SystemAccount> Ok(SystemAccount account) => Result<SystemAccount>.Success(account);

    /// <summary>
    /// An account an older classhub made for this hub user, before accounts were recorded: the hub user existed before
    /// the upgrade, the account has the user's name, passes the rules, and its home (owned by it) was made after the hub
    /// user was. An account older than the hub user was not made for it (the TA named someone's existing account); a
    /// file system that records no birth time proves nothing. Either way an admin can still link it.
    /// </summary>
    private bool Adoptable(StoredUser user, SystemAccount account)
    {
        if (store.RecordedFrom() is not { } since || user.User.CreatedAt >= since || account.Name != user.Name || options.Rules.Problem(account) is not null)
        {
            return false;
        }

        var home = directory.Home(account);
        return home.Ok && home.Value.CreatedAt is { } born && born >= user.User.CreatedAt;
    }

    private static string NotOurs(string name, string? refused) => refused is null
        ? $"a Unix account {name} already exists on this server and classhub did not create it; an admin can link it with 'classhub user link {name}'"
        : $"a Unix account {name} already exists on this server and classhub did not create it; classhub never runs servers or writes files as it ({refused}); choose another user name";

    private string RecordedForAnother(string name, StoredUnixAccount recorded) => recorded.UserId is { } owner
        ? $"the Unix account {name} is the account of hub user {users.FindById(owner)?.Name ?? "?"}; an admin can unlink it there (classhub user unlink) and link it here"
        : $"the Unix account {name} was created by classhub for an earlier hub user of that name, since deleted; an admin can give it to this one with 'classhub user link {name}'";

    [LoggerMessage(Level = LogLevel.Information, Message = "created Unix account {UnixUser} (uid {Uid}) for hub user {User}")]
    private static partial void LogCreated(ILogger logger, string unixUser, string user, uint uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "recorded Unix account {UnixUser} (uid {Uid}), which classhub had been creating when it stopped")]
    private static partial void LogFinishedRecording(ILogger logger, string unixUser, uint uid);

    [LoggerMessage(Level = LogLevel.Information, Message = "linked hub user {User} to Unix account {UnixUser} (uid {Uid})")]
    private static partial void LogLinked(ILogger logger, string user, string unixUser, uint uid);

    [LoggerMessage(Level = LogLevel.Information, Message = "hub user {User} proved the Unix account of that name with PAM (uid {Uid}); their server runs as it")]
    private static partial void LogPamLinked(ILogger logger, string user, uint uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PAM sign-in of {User}: the Unix account of that name is not used for their server: {Why}")]
    private static partial void LogPamNotLinked(ILogger logger, string user, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "adopted Unix account {UnixUser} (uid {Uid}): an earlier classhub made it for the hub user of that name")]
    private static partial void LogAdopted(ILogger logger, string unixUser, uint uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hub user {User} gets no server until an admin acts: {Why}")]
    private static partial void LogNotAdopted(ILogger logger, string user, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogHomeNotPrivate(ILogger logger, string problem);
}
