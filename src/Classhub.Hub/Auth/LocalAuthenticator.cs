using Classhub.Core.Auth;
using Classhub.Storage.Users;

namespace Classhub.Hub.Auth;

/// <summary>
/// Local accounts: a password hash in the hub's database (set through an invite link or the CLI). The hash is checked
/// on a <see cref="KdfThreads"/> thread, never a request thread; an unknown name costs the same check as a known one
/// (see <see cref="PasswordHasher.Verify"/>), so timing does not tell which names exist.
/// </summary>
internal sealed class LocalAuthenticator(UserStore users, PasswordHasher hasher, KdfThreads kdf) : IAuthenticator
{
    public string Id => "local";

    public async Task<AuthOutcome> AuthenticateAsync(PasswordCredentials credentials, CancellationToken cancellationToken)
    {
        // The hash costs a quarter of a CPU second: a sign-in still waiting for its turn when the hub stops (the
        // request's token is cancelled then) gives up before it, instead of holding up the exit.
        cancellationToken.ThrowIfCancellationRequested();
        var user = users.Find(credentials.UserName);
        var ok = await kdf.RunAsync(() => hasher.Verify(credentials.Password, user?.PasswordHash));
        return ok && user is not null
            ? AuthOutcome.Authenticated(user.Name)
            : AuthOutcome.Rejected("invalid user name or password");
    }
}
