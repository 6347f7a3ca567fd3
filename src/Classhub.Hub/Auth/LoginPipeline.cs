using Classhub.Core.Auth;
using Classhub.Core.Users;
using Classhub.Hub.Hosting;
using Classhub.Hub.Metrics;
using Classhub.Storage.Courses;
using Classhub.Storage.Sessions;
using Classhub.Storage.Users;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Auth;

/// <summary>
/// The one fixed sign-in pipeline every authenticator runs through: rate limit → authenticate → normalise the
/// name → the user must exist and be enabled → session. Authenticators cannot skip a step.
/// </summary>
internal sealed partial class LoginPipeline(
    IEnumerable<IAuthenticator> authenticators,
    LoginRateLimiter limiter,
    UserStore users,
    SessionStore sessions,
    CourseStore courses,
    HubOptions options,
    HubMetrics metrics,
    ILogger<LoginPipeline> logger)
{
    public async Task<LoginResult> SignInAsync(string rawName, string password, string address, CancellationToken cancellationToken)
    {
        var name = UserName.Normalize(rawName);
        if (limiter.RetryAfter(name, address) is { } wait)
        {
            LogRateLimited(logger, name, address);
            metrics.Login(success: false, limited: true);
            return LoginResult.Limited(wait);
        }

        foreach (var authenticator in authenticators)
        {
            var outcome = await authenticator.AuthenticateAsync(new PasswordCredentials(name, password, address), cancellationToken);
            if (!outcome.Succeeded)
            {
                continue;
            }

            var user = users.Find(UserName.Normalize(outcome.UserName!));
            if (user is null || user.User.IsDisabled)
            {
                break;
            }

            // Dropped from every course they were in (admins and users in no course are unaffected).
            if (!user.User.IsAdmin && courses.IsDroppedEverywhere(user.Id))
            {
                LogDropped(logger, user.Name);
                break;
            }

            limiter.RecordSuccess(name);
            LogSignedIn(logger, user.Name, authenticator.Id);
            metrics.Login(success: true, limited: false);
            return LoginResult.Success(user, sessions.Create(user.Id, options.SessionLifetime));
        }

        limiter.RecordFailure(name, address);
        LogFailed(logger, name, address);
        metrics.Login(success: false, limited: false);
        return LoginResult.Rejected();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} signed in ({Authenticator})")]
    private static partial void LogSignedIn(ILogger logger, string user, string authenticator);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sign-in for {User} refused: dropped from every course they were in")]
    private static partial void LogDropped(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "failed sign-in for {User} from {Address}")]
    private static partial void LogFailed(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sign-in for {User} from {Address} refused: too many failures")]
    private static partial void LogRateLimited(ILogger logger, string user, string address);
}

/// <summary>The outcome of a sign-in: a session, a rejection, or "too many attempts, wait".</summary>
internal sealed record LoginResult(StoredUser? User, string? SessionId, TimeSpan? RetryAfter)
{
    public static LoginResult Success(StoredUser user, string sessionId) => new(user, sessionId, null);

    public static LoginResult Rejected() => new(null, null, null);

    public static LoginResult Limited(TimeSpan wait) => new(null, null, wait);
}
