namespace Classhub.Core.Auth;

/// <summary>
/// Checks credentials and says who the person is. This is the plug point for local passwords, PAM and OAuth;
/// what happens after (normalise the name, check the user is allowed, create the session) is one fixed pipeline
/// in the hub that authenticators cannot change.
/// <para>Contract: return <see cref="AuthOutcome.Authenticated"/> with the raw user name, or
/// <see cref="AuthOutcome.Rejected"/>. A wrong password and an unknown or locked account must give the same
/// rejection (no account enumeration). Never throw for bad credentials; never log the password.</para>
/// </summary>
public interface IAuthenticator
{
    /// <summary>Stable id used in config and on the login page ("local", "pam", "github", ...).</summary>
    string Id { get; }

    Task<AuthOutcome> AuthenticateAsync(PasswordCredentials credentials, CancellationToken cancellationToken);
}

public sealed record PasswordCredentials(string UserName, string Password, string RemoteAddress);

public sealed record AuthOutcome(string? UserName, string? RejectionReason)
{
    public bool Succeeded => UserName is not null;

    public static AuthOutcome Authenticated(string userName) => new(userName, null);

    public static AuthOutcome Rejected(string reason) => new(null, reason);
}
