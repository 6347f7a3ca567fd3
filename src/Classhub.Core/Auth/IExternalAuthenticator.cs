namespace Classhub.Core.Auth;

/// <summary>
/// A sign-in that happens at another site (OAuth2/OIDC, GitHub): the hub sends the browser to the provider and the
/// provider sends it back to the hub's callback. After <see cref="CompleteAsync"/> the hub runs the same fixed
/// pipeline as for passwords (normalise → allowed → session).
/// <para>Contract:
/// <see cref="BeginAsync"/> returns the provider URL to redirect to and the secrets of this attempt
/// (<see cref="ExternalAttempt"/>: state, nonce, PKCE verifier). The hub keeps them server-side for a few minutes,
/// binds them to the browser with a cookie, and hands them back to <see cref="CompleteAsync"/> exactly once, only
/// when the callback's <c>state</c> matches. <see cref="CompleteAsync"/> gets the callback's query parameters and
/// returns <see cref="AuthOutcome.Authenticated"/> with the raw user name only when every check passed (token
/// signature, issuer, audience, expiry, nonce, allowed domain or organisation), else
/// <see cref="AuthOutcome.Rejected"/> with a reason a person can act on (never containing a token or secret).
/// Provider errors and network failures are rejections, not exceptions. Client secrets are never logged.</para>
/// </summary>
public interface IExternalAuthenticator
{
    /// <summary>Stable id used in config and URLs (/hub/oauth/{id}/start): "oidc", "github".</summary>
    string Id { get; }

    /// <summary>The label of the login page's button, e.g. "Sign in with GitHub".</summary>
    string ButtonText { get; }

    /// <param name="callbackUrl">The hub's absolute callback URL (the registered redirect URI).</param>
    Task<ExternalStart> BeginAsync(Uri callbackUrl, CancellationToken cancellationToken);

    /// <param name="query">The callback's query parameters (code, state, error ...).</param>
    /// <param name="attempt">What <see cref="BeginAsync"/> returned for this state.</param>
    Task<AuthOutcome> CompleteAsync(IReadOnlyDictionary<string, string> query, ExternalAttempt attempt, CancellationToken cancellationToken);
}

/// <summary>Where to send the browser, and the secrets of this one attempt; or why the provider cannot be used now.</summary>
public sealed record ExternalStart(Uri? RedirectTo, ExternalAttempt? Attempt, string? Problem)
{
    public static ExternalStart To(Uri url, ExternalAttempt attempt) => new(url, attempt, null);

    public static ExternalStart Failed(string problem) => new(null, null, problem);
}

/// <summary>The per-attempt secrets: OAuth <c>state</c>, OIDC <c>nonce</c>, PKCE <c>code_verifier</c>, and the callback URL used.</summary>
public sealed record ExternalAttempt(string State, string Nonce, string CodeVerifier, Uri CallbackUrl);
