namespace Classhub.Core.Auth;

/// <summary>
/// Checks a user name and password and says who the person is (local passwords, PAM). Redirect-based providers
/// (OIDC, GitHub) implement <see cref="IExternalAuthenticator"/> instead. What happens after either (normalise the
/// name, check the user is allowed, create the session) is one fixed pipeline in the hub that authenticators
/// cannot change or skip.
/// <para>Contract: return <see cref="AuthOutcome.Authenticated"/> with the raw user name, or
/// <see cref="AuthOutcome.Rejected"/>. A wrong password and an unknown or locked account must give the same
/// rejection (no account enumeration). Never throw for bad credentials; never log the password. May be called
/// concurrently; honour <paramref name="cancellationToken"/> where the back end allows it.</para>
/// </summary>
public interface IAuthenticator
{
    /// <summary>Stable id used in config and on the login page ("local", "pam").</summary>
    string Id { get; }

    Task<AuthOutcome> AuthenticateAsync(PasswordCredentials credentials, CancellationToken cancellationToken);
}

public sealed record PasswordCredentials(string UserName, string Password, string RemoteAddress);

/// <summary>
/// Who an authenticator says the person is. <see cref="AdmittedBy"/> is set when the provider's own admission rule
/// (a verified e-mail address in an allowed domain, membership of the configured GitHub organisation) accepted the
/// person; the pipeline may then create an unknown user when configured to (auth.new_users).
/// </summary>
public sealed record AuthOutcome(string? UserName, string? RejectionReason, string? AdmittedBy = null)
{
    public bool Succeeded => UserName is not null;

    public static AuthOutcome Authenticated(string userName, string? admittedBy = null) => new(userName, null, admittedBy);

    public static AuthOutcome Rejected(string reason) => new(null, reason);
}
