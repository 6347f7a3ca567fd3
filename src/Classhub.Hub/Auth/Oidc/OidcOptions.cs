namespace Classhub.Hub.Auth.Oidc;

/// <summary>
/// auth.oidc.*: the campus identity provider. <see cref="AllowedDomains"/> are checked on the <c>email</c> claim,
/// and only when <c>email_verified</c> is true (never on Google's <c>hd</c> alone: CVE-2024-29033).
/// </summary>
internal sealed record OidcOptions
{
    public required string Issuer { get; init; }

    public required string ClientId { get; init; }

    public required string ClientSecret { get; init; }

    public IReadOnlyList<string> AllowedDomains { get; init; } = [];

    /// <summary>The claim that becomes the hub user name ("preferred_username", "email" → its local part, "sub", ...).</summary>
    public string UsernameClaim { get; init; } = "preferred_username";

    public string ButtonText { get; init; } = "Sign in with your school account";
}
