using Classhub.Core.Auth;
using Classhub.Core.Users;
using Classhub.Hub.Accounts;
using Classhub.Hub.Hosting;
using Classhub.Hub.Metrics;
using Classhub.Storage.Courses;
using Classhub.Storage.Sessions;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Auth;

/// <summary>
/// The one fixed sign-in pipeline every authenticator runs through: (rate limit → a turn in the password-check queue →
/// rate limit again →) authenticate → normalise the name → the user must be allowed (<see cref="SignInOptions"/>) →
/// session. Authenticators cannot skip a step; password authenticators and external (redirect) authenticators meet
/// in <see cref="Admit"/>. A new user is never made for a name whose Unix account classhub may not use
/// (<see cref="AccountBinder.CheckName"/>), except through PAM, which proves the account; a PAM sign-in binds the user
/// to that account (<see cref="AccountBinder.LinkByPamAsync"/>).
/// </summary>
internal sealed partial class LoginPipeline(
    IEnumerable<IAuthenticator> authenticators,
    LoginRateLimiter limiter,
    SignInQueue queue,
    SignInDevices devices,
    UserStore users,
    SessionStore sessions,
    CourseStore courses,
    HubOptions options,
    HubMetrics metrics,
    SignInOptions signIn,
    AccountBinder accounts,
    ILogger<LoginPipeline> logger)
{
    /// <param name="deviceCookie">The browser's device cookie, if any (<see cref="SignInDevices"/>): counted under the browser when it is valid for this name.</param>
    public async Task<LoginResult> SignInAsync(string rawName, string password, string address, string? deviceCookie, CancellationToken cancellationToken)
    {
        var name = UserName.Normalize(rawName);
        var device = devices.DeviceOf(deviceCookie, name);
        if (Limited(name, address, device) is { } limited)
        {
            return limited;
        }

        // At most one password check per KDF thread at a time; the rest wait their turn (addresses take turns).
        using var slot = await queue.EnterAsync(LoginRateLimiter.AddressKey(address), cancellationToken);
        if (slot is null)
        {
            LogBusy(logger, name, address, queue.Waiting);
            metrics.LoginBusy();
            return LoginResult.Busy(queue.EstimatedWait);
        }

        // Failures may have come in while this sign-in waited: a burst of guesses sent at once stops here.
        if (Limited(name, address, device) is { } limitedLater)
        {
            return limitedLater;
        }

        foreach (var authenticator in authenticators.Where(a => signIn.Methods.Contains(a.Id)))
        {
            var outcome = await authenticator.AuthenticateAsync(new PasswordCredentials(name, password, address), cancellationToken);
            if (!outcome.Succeeded)
            {
                continue;
            }

            var (user, _) = Admit(outcome, authenticator.Id);
            if (user is null)
            {
                break;
            }

            limiter.RecordSuccess(name, address, device);
            if (authenticator.Id == "pam")
            {
                await accounts.LinkByPamAsync(user.Name, cancellationToken);
            }

            LogSignedIn(logger, user.Name, authenticator.Id);
            metrics.Login(success: true, limited: false);
            return LoginResult.Success(user, sessions.Create(user.Id, options.SessionLifetime)) with { DeviceCookie = devices.Issue(name) };
        }

        limiter.RecordFailure(name, address, device);
        LogFailed(logger, name, address);
        metrics.Login(success: false, limited: false);
        return LoginResult.Rejected();
    }

    private LoginResult? Limited(string name, string address, string? device)
    {
        if (limiter.RetryAfter(name, address, device) is not { } wait)
        {
            return null;
        }

        LogRateLimited(logger, name, address);
        metrics.Login(success: false, limited: true);
        return LoginResult.Limited(wait);
    }

    /// <summary>After an external provider said who the person is: the same normalise → allowed → session steps.</summary>
    public LoginResult SignInExternal(AuthOutcome outcome, string authenticatorId)
    {
        if (!outcome.Succeeded)
        {
            LogExternalRefused(logger, authenticatorId, outcome.RejectionReason ?? "rejected");
            return LoginResult.Rejected(outcome.RejectionReason);
        }

        var (user, refusal) = Admit(outcome, authenticatorId);
        if (user is null)
        {
            LogExternalRefused(logger, authenticatorId, refusal!);
            return LoginResult.Rejected(refusal);
        }

        LogSignedIn(logger, user.Name, authenticatorId);
        return LoginResult.Success(user, sessions.Create(user.Id, options.SessionLifetime));
    }

    /// <summary>Normalise and check the user may sign in; creates an unknown user only as <see cref="SignInOptions"/> says.</summary>
    private (StoredUser? User, string? Refusal) Admit(AuthOutcome outcome, string authenticatorId)
    {
        var name = UserName.Normalize(outcome.UserName!);
        if (UserName.Problem(name) is { } problem)
        {
            return (null, $"the name from {authenticatorId} cannot be a hub user name: {problem}");
        }

        var user = users.Find(name);
        if (user is null)
        {
            var allowed = signIn.AllowedUsers.Contains(name) || outcome.AdmittedBy is not null;
            if (!signIn.CreateUnknownUsers || !allowed)
            {
                return (null, $"this hub has no user '{name}'; ask your instructor to add you (or to import the course roster)");
            }

            // PAM has just proved the account of that name; any other provider only says who the person is elsewhere.
            if (authenticatorId != "pam" && accounts.CheckName(name) is { Blocks: true } taken)
            {
                return (null, $"the hub user '{name}' cannot be made: {taken.Message}");
            }

            user = users.Add(name, admin: false) ?? users.Find(name);
            if (user is null)
            {
                return (null, $"could not create the hub user '{name}'");
            }

            LogCreated(logger, name, authenticatorId, outcome.AdmittedBy ?? "auth.allowed_users");
        }

        if (user.User.IsDisabled)
        {
            return (null, $"the hub user '{name}' is disabled");
        }

        // Dropped from every course they were in (admins and users in no course are unaffected).
        if (!user.User.IsAdmin && courses.IsDroppedEverywhere(user.Id))
        {
            LogDropped(logger, user.Name);
            return (null, $"'{name}' is no longer in any course on this hub");
        }

        return (user, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} signed in ({Authenticator})")]
    private static partial void LogSignedIn(ILogger logger, string user, string authenticator);

    [LoggerMessage(Level = LogLevel.Information, Message = "created hub user {User} on first sign-in ({Authenticator}; admitted by {Rule})")]
    private static partial void LogCreated(ILogger logger, string user, string authenticator, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sign-in for {User} refused: dropped from every course they were in")]
    private static partial void LogDropped(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "failed sign-in for {User} from {Address}")]
    private static partial void LogFailed(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sign-in with {Authenticator} refused: {Reason}")]
    private static partial void LogExternalRefused(ILogger logger, string authenticator, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sign-in for {User} from {Address} refused: too many failures")]
    private static partial void LogRateLimited(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sign-in for {User} from {Address} turned away: {Waiting} sign-ins already waiting for a password check")]
    private static partial void LogBusy(ILogger logger, string user, string address, int waiting);
}

/// <summary>
/// The outcome of a sign-in: a session, a rejection (with a reason for external sign-ins), "too many attempts, wait"
/// (<see cref="RetryAfter"/>), or "the hub is busy checking other passwords, come back" (<see cref="IsBusy"/> too).
/// </summary>
internal sealed record LoginResult(StoredUser? User, string? SessionId, TimeSpan? RetryAfter, string? Reason = null, bool IsBusy = false)
{
    /// <summary>After a password sign-in: the device cookie to give the browser.</summary>
    public string? DeviceCookie { get; init; }

    public static LoginResult Success(StoredUser user, string sessionId) => new(user, sessionId, null);

    public static LoginResult Rejected(string? reason = null) => new(null, null, null, reason);

    public static LoginResult Limited(TimeSpan wait) => new(null, null, wait);

    public static LoginResult Busy(TimeSpan wait) => new(null, null, wait, IsBusy: true);
}
